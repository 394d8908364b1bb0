// The worker's workflow bundle entry point: every workflow lendbridge runs is exported here.
export { applicationReconcilerWorkflow } from './application-reconciler.workflow.js';
export { ledgerProbeWorkflow } from './ledger-probe.workflow.js';
export { loanApplicationWorkflow } from './loan-application/loan-application.workflow.js';
