/**
 * Applications brought to review through the API, the way a loan system would, for the reviewer
 * console's browser tests: each with its own report, anchored by the demo HK agency so the
 * verification is VERIFIED.
 */
import { randomBytes } from 'node:crypto';
import { signDevToken, type DevTokenClaims } from '#api/auth/dev-token';
import { anchorOneOf } from '#stack/anchored-reports';
import { DEV_KEYS } from '#stack/dev-ledger';
import { anchorCompanyDocuments, companyCreateBody, documentBodies, documentConsentBody } from '#stack/load-requests';
import { type ApiStack } from '#test-support/api-stack';
import { TEST_JWT_SECRET } from '#test-support/config';
import { testWriter } from '#test-support/ledger';
import { HK_ISSUER, southboundConsent } from '#test-support/loan-parties';

/** A raw JWT, as a reviewer pastes it into the console (no "Bearer "). */
export async function rawToken(claims: DevTokenClaims): Promise<string> {
  return await signDevToken(TEST_JWT_SECRET, claims);
}

export const LOAN_SYSTEM: DevTokenClaims = { sub: 'los-bank-a', roles: ['loan-system'], tenant: 'bank-a' };
export const REVIEWER = (sub: string): DevTokenClaims => ({
  sub,
  roles: ['reviewer'],
  jurisdictions: ['HK'],
  tenants: ['bank-a'],
});

export const DECISION_FIELDS = { score: 702, scoreBand: 'B', delinquencyFlags: [] };

/** Calls the API with a token; answers the parsed body, or throws with the status and body. */
export async function callApi<T = unknown>(
  stack: ApiStack,
  claims: DevTokenClaims,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${stack.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${await rawToken(claims)}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  let value: T | undefined;
  for (let attempt = 0; attempt < 300; attempt++) {
    value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
}

/**
 * Creates an application of bank-a reviewed in HK, consents, submits a freshly anchored report's
 * hash, and waits until the task is in the HK reviewers' inbox. `submitter` is the loan-system
 * identity that creates it (maker-checker compares reviewers with it).
 */
export async function prepareTask(
  stack: ApiStack,
  applicationId: string,
  options: { amount?: string; submitter?: DevTokenClaims } = {},
): Promise<void> {
  const submitter = options.submitter ?? LOAN_SYSTEM;
  const reportHash = randomBytes(32).toString('hex');
  await testWriter(stack.ledgerClient, DEV_KEYS.issuerHK).anchorReport(
    'personal-credit-report',
    reportHash,
    new Date(Date.now() + 30 * 86_400_000),
  );
  await callApi(stack, submitter, 'POST', '/v1/applications', {
    applicationId,
    loanSystemReference: `LOS-${applicationId}`,
    product: 'sme-credit-line',
    requestedLimit: { amount: options.amount ?? '600000.00', currency: 'HKD' },
    applicantReference: `pseudonym-${applicationId}`,
    applicantType: 'person',
    direction: 'southbound',
    reviewJurisdiction: 'HK',
  });
  await callApi(stack, submitter, 'POST', `/v1/applications/${applicationId}/consent`, {
    ...southboundConsent,
    issuer: HK_ISSUER,
  });
  await callApi(stack, submitter, 'POST', `/v1/applications/${applicationId}/credit-report`, {
    reportHash,
    scheme: 'sha256-raw-v1',
    decisionFields: DECISION_FIELDS,
  });
  // Verified and in review, and listed by visibility (eventually consistent).
  await eventually(
    () => callApi<{ items: { applicationId: string }[] }>(stack, REVIEWER('alice'), 'GET', '/v1/review-tasks'),
    (inbox) => inbox.items.some((item) => item.applicationId === applicationId),
    `${applicationId} in the inbox`,
  );
}

export async function stageOf(stack: ApiStack, applicationId: string, submitter = LOAN_SYSTEM): Promise<string> {
  return (await callApi<{ stage: string }>(stack, submitter, 'GET', `/v1/applications/${applicationId}`)).stage;
}

/**
 * A southbound company in review on its document set (the load requests' company: the HK agency's
 * corporate and owner reports, six statements the HK bank anchored as one batch, the consent per
 * document), asking HKD 300,000 with inflows of HKD 80,000 a month.
 */
export async function prepareCompanyTask(stack: ApiStack, applicationId: string): Promise<void> {
  await callApi(stack, LOAN_SYSTEM, 'POST', '/v1/applications', {
    ...companyCreateBody(applicationId),
    requestedLimit: { amount: '300000.00', currency: 'HKD' },
  });
  const [[documents]] = await Promise.all([
    anchorCompanyDocuments(stack.ledger, 1, applicationId),
    eventually(
      () => stageOf(stack, applicationId).catch(() => 'not yet'), // until the workflow's first task has run
      (stage) => stage === 'AWAITING_CONSENT',
      `${applicationId} awaiting consent`,
    ),
  ]);
  await callApi(
    stack,
    LOAN_SYSTEM,
    'POST',
    `/v1/applications/${applicationId}/consent`,
    documentConsentBody(`consent of ${applicationId}`),
  );
  for (const body of documentBodies(documents!, { monthlyInflowsMinor: '8000000' }))
    await callApi(stack, LOAN_SYSTEM, 'POST', `/v1/applications/${applicationId}/documents`, body);
  await eventually(
    () => callApi<{ items: { applicationId: string }[] }>(stack, REVIEWER('alice'), 'GET', '/v1/review-tasks'),
    (inbox) => inbox.items.some((item) => item.applicationId === applicationId),
    `${applicationId} in the inbox`,
  );
}

/** The loan system sends a new version of the owner's report, anchored anew by the HK agency. */
export async function resubmitOwnerReport(stack: ApiStack, applicationId: string): Promise<void> {
  const owner = await anchorOneOf(
    stack.ledger,
    DEV_KEYS.issuerHK,
    'personal-credit-report',
    Buffer.from(`%PDF-1.7 owner report, second version ${randomBytes(12).toString('hex')}`),
  );
  await callApi(stack, LOAN_SYSTEM, 'POST', `/v1/applications/${applicationId}/documents`, {
    documentKey: 'owner-credit-report',
    documentHash: owner.documentHash,
    issuer: owner.issuer,
    fields: { score: 705, scoreBand: 'A', delinquencies: 0 },
  });
}
