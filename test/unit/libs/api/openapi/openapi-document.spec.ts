/**
 * The document the API serves, built without Temporal (nothing is called while it is built): what a
 * generator or a conformance tool reads must hold every parameter, constraint and error answer.
 * The conformance run (scripts/api-conformance.sh) checks it against the running API.
 */
import { type INestApplication } from '@nestjs/common';
import { type OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { createApiApp } from '#api/api-app';
import { createOpenApiDocument } from '#api/openapi/openapi-document';
import { testConfig } from '#test-support/config';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let app: INestApplication;
let document: OpenAPIObject;
const operations = (): [string, string, Json][] =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Json).map(
      ([method, operation]) => [method, path, operation as Json] as [string, string, Json],
    ),
  );
const operation = (id: string): Json => operations().find(([, , op]) => op.operationId === id)![2];
const schema = (name: string): Json => document.components!.schemas![name] as Json;

beforeAll(async () => {
  const config = testConfig({
    TEMPORAL_ADDRESS: '127.0.0.1:1',
    LEDGER_RPC_URL: 'http://127.0.0.1:1',
    LEDGER_REGISTRY_ADDRESS: `0x${'1'.repeat(40)}`,
    LEDGER_EVIDENCE_ADDRESS: `0x${'2'.repeat(40)}`,
    REVIEW_JURISDICTIONS: 'HK,CN',
  });
  app = await createApiApp(config, { logger: false });
  await app.init();
  document = createOpenApiDocument(app, config);
});
afterAll(async () => app.close());

describe('the OpenAPI document', () => {
  it('names every operation with a stable operationId, the ones the typed client is generated with', () => {
    expect(
      operations()
        .map(([, , op]) => op.operationId as string)
        .sort(),
    ).toEqual(
      [
        'claimReviewTask',
        'createApplication',
        'decideApplication',
        'getApplication',
        'getAuditTimeline',
        'getHealth',
        'getHealthDetails',
        'getLiveness',
        'getMe',
        'getReviewTask',
        'grantConsent',
        'listApplications',
        'listDecisionTimes',
        'listDocuments',
        'listFlowOutcomes',
        'listReviewTasks',
        'releaseReviewTask',
        'revokeConsent',
        'runLedgerProbe',
        'submitDocument',
        'submitReport',
        'withdrawApplication',
      ].sort(),
    );
  });

  it('declares every path parameter, with the pattern the validators enforce', () => {
    for (const [, path, op] of operations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const declared = ((op.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name)).toEqual(inPath);
      for (const parameter of declared) {
        expect(parameter).toMatchObject({ required: true, schema: { type: 'string', pattern: expect.any(String) } });
      }
    }
  });

  it('answers every error as a problem document, and says which errors each operation can answer', () => {
    for (const [, , op] of operations()) {
      const errors = Object.entries(op.responses as Json).filter(([status]) => Number(status) >= 400);
      expect(errors.length).toBeGreaterThan(0);
      for (const [, response] of errors.filter(
        ([status]) => !(op.operationId as string).startsWith('getHealth') || status !== '503',
      )) {
        expect(Object.keys((response as Json).content)).toEqual(['application/problem+json']);
      }
    }
    expect(Object.keys(operation('grantConsent').responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '415', '422', '429', '503'].sort(),
    );
    expect(operation('getApplication').responses['429'].headers).toHaveProperty('Retry-After');
    // What a loan system reads back: the application, typed for a generated client.
    for (const id of ['getApplication', 'grantConsent', 'submitReport', 'withdrawApplication']) {
      expect(operation(id).responses['200'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/ApplicationViewDto',
      );
    }
    expect(schema('ApplicationViewDto').required).toEqual(
      expect.arrayContaining(['applicationId', 'stage', 'timeline', 'links']),
    );
    expect(schema('ProblemDto').required).toEqual(['type', 'title', 'status']);
  });

  it('puts a bearer token on every operation but the public probes', () => {
    for (const [, path, op] of operations()) {
      const publicProbe = path === '/health' || path === '/health/live';
      expect(op.security).toEqual(publicProbe ? [] : [{ bearer: [] }]);
    }
  });

  it('states the validators: patterns, lengths, enums, formats, required, no unknown properties', () => {
    const create = schema('CreateApplicationDto');
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(
      expect.arrayContaining(['applicationId', 'requestedLimit', 'applicantReference', 'reviewJurisdiction']),
    );
    expect(create.properties.applicantReference.pattern).toBe('^[A-Za-z0-9_.:-]{8,128}$');
    // Issue 15: a person or a company, stated at creation, and the list filters by it.
    expect(create.required).toContain('applicantType');
    expect(create.properties.applicantType).toMatchObject({ type: 'string', enum: ['person', 'company'] });
    expect(schema('ApplicationViewDto').properties.applicantType).toMatchObject({ enum: ['person', 'company'] });
    expect((operation('listApplications').parameters as Json[]).find((p) => p.name === 'applicantType')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'string', enum: ['person', 'company'] },
    });
    // The deployment's reviewers decide which jurisdictions an application may name; the schema
    // stays the same for every deployment (a generated client must fit them all).
    expect(create.properties.reviewJurisdiction).toMatchObject({ pattern: '^[A-Z]{2,3}$' });
    expect(create.properties.reviewJurisdiction.enum).toBeUndefined();
    expect(create.properties.reviewJurisdiction.description).toContain('here HK, CN');
    // JavaScript's \d is ASCII: the document says so for readers whose \d is every Unicode digit.
    expect(schema('MoneyDto').properties.amount.pattern).not.toContain('\\d');
    expect(schema('ConsentDto').properties.validUntil).toMatchObject({ type: 'string', format: 'date-time' });
    expect(schema('ConsentDto').properties.purposes).toMatchObject({
      type: 'array',
      minItems: 1,
      maxItems: 10,
      items: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' },
    });
    expect(schema('ReviewDecisionDto').properties.notes).toMatchObject({ type: 'string', maxLength: 2000 });
  });

  it('says which decision fields each outcome needs, and refuses those of another', () => {
    const refuses = (...fields: string[]) => ({ not: { anyOf: fields.map((field) => ({ required: [field] })) } });
    expect(schema('ReviewDecisionDto').oneOf).toEqual([
      {
        properties: { outcome: { enum: ['approve'] } },
        required: ['recommendedLimit'],
        ...refuses('reasonCodes', 'documentKey', 'reason'),
      },
      {
        properties: { outcome: { enum: ['decline'] } },
        required: ['reasonCodes'],
        ...refuses('recommendedLimit', 'documentKey', 'reason'),
      },
      {
        properties: { outcome: { enum: ['request-new-report'] } },
        required: [],
        ...refuses('recommendedLimit', 'reasonCodes', 'documentKey', 'reason'),
      },
      {
        properties: { outcome: { enum: ['request-new-version'] } },
        required: ['documentKey', 'reason'],
        ...refuses('recommendedLimit', 'reasonCodes'),
      },
    ]);
  });

  it('describes the report upload as the form it is, beside the JSON hash body', () => {
    const { content } = operation('submitReport').requestBody;
    expect(content['application/json'].schema.$ref).toBe('#/components/schemas/ReportHashDto');
    const form = content['multipart/form-data'];
    expect(form.schema.required).toEqual(['scheme', 'decisionFields', 'report']);
    expect(form.schema.properties).not.toHaveProperty('reportHash');
    expect(form.schema.properties.report).toMatchObject({ type: 'string', format: 'binary' });
    expect(form.encoding.decisionFields.contentType).toBe('application/json');
  });

  it('describes a document upload as its form, and a consent as either kind of consent', () => {
    const { content } = operation('submitDocument').requestBody;
    expect(content['application/json'].schema.$ref).toBe('#/components/schemas/DocumentSubmissionDto');
    const form = content['multipart/form-data'];
    expect(form.schema.required).toEqual(['scheme', 'documentKey', 'issuer', 'fields', 'document']);
    expect(form.schema.properties).not.toHaveProperty('documentHash');
    expect(form.encoding.fields.contentType).toBe('application/json');
    expect(operation('grantConsent').requestBody.content['application/json'].schema.oneOf).toEqual([
      { $ref: '#/components/schemas/ConsentDto' },
      { $ref: '#/components/schemas/DocumentConsentDto' },
    ]);
    expect(schema('DocumentConsentDto').additionalProperties).toBe(false);
    expect(schema('DocumentConsentDto').anyOf).toEqual([{ required: ['kinds'] }, { required: ['documents'] }]);
    expect(schema('DocumentConsentDto').required).toEqual(
      expect.arrayContaining(['purposes', 'direction', 'validUntil', 'consentTextHash', 'channel', 'capturedAt']),
    );
  });

  it('answers a documented path asked with another method 405 with Allow', async () => {
    const answer = await request(app.getHttpServer()).patch('/v1/applications').expect(405);
    expect(answer.headers.allow).toBe('GET, POST, HEAD');
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    await request(app.getHttpServer()).patch('/v1/nowhere').expect(404);
  });
});
