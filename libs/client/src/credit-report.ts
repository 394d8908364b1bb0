/**
 * The credit report as the applicant handed it over, uploaded as multipart/form-data: the API
 * hashes the file as it streams and keeps only the hash. The parts' order matters: `scheme` and
 * `decisionFields` come before the `report` file, because the API must know how to hash it (and
 * refuse a bad request) before the bytes arrive.
 */
import { type FetchResponse } from 'openapi-fetch';
import { type components, type paths } from './api-types.js';
import { type LendbridgeClient } from './lendbridge-client.js';

export type DecisionFields = components['schemas']['DecisionFieldsDto'];

export interface CreditReportUpload {
  /** The report's bytes, e.g. a PDF. */
  report: Blob;
  decisionFields: DecisionFields;
  /** How the API hashes the file; `sha256-raw-v1` (the bytes as they are) is the only file scheme. */
  scheme?: 'sha256-raw-v1';
  /** The file name the form gives the part; the API ignores it. */
  filename?: string;
}

const CREDIT_REPORT = '/v1/applications/{applicationId}/credit-report';

export function creditReportForm(upload: CreditReportUpload): FormData {
  const form = new FormData();
  form.append('scheme', upload.scheme ?? 'sha256-raw-v1');
  form.append('decisionFields', JSON.stringify(upload.decisionFields));
  form.append('report', upload.report, upload.filename ?? 'credit-report.pdf');
  return form;
}

/**
 * POST /v1/applications/{applicationId}/credit-report with the report as a file. The document
 * describes the multipart body with the JSON body's schema (a `reportHash` the form never carries),
 * so the form is passed as the body unchecked here, in this one place, until it describes the parts.
 */
export function uploadCreditReport(
  client: LendbridgeClient,
  applicationId: string,
  upload: CreditReportUpload,
  init: { headers?: Record<string, string> } = {},
): Promise<FetchResponse<paths[typeof CREDIT_REPORT]['post'], unknown, `${string}/${string}`>> {
  return client.POST(CREDIT_REPORT, {
    params: { path: { applicationId } },
    body: creditReportForm(upload) as never,
    // FormData as it is: fetch writes the multipart boundary into the Content-Type itself.
    bodySerializer: (form: unknown) => form,
    ...init,
  });
}
