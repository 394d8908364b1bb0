// The worker's workflow bundle entry point: every workflow lendbridge runs is exported here.
export { ledgerProbeWorkflow } from './ledger-probe.workflow.js';
export { loanApplicationWorkflow } from './loan-application.workflow.js';
