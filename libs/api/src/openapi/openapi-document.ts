/**
 * The API's OpenAPI document, served at /openapi.json (and /docs). Built by @nestjs/swagger from the
 * controllers' decorators, with the request schemas read from the DTOs' validators
 * (schema-from-validators.ts) and every error answer declared per operation (problem-responses.ts).
 * A Schemathesis run of all its checks against the dev stack keeps it faithful (npm test).
 */
import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, getSchemaPath, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { type LendbridgeConfig } from '#config';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problem/problem.js';
import { ProblemDto } from './problem-responses.js';
import { FIELDS_PER_VALUE, STRICT_SCHEMAS } from './schema-from-validators.js';

/**
 * An operation that also reads multipart/form-data names its form here (`@ApiExtension`): @ApiBody
 * describes one body for every media type, and a form is not the JSON body.
 */
export const MULTIPART_FORM_EXTENSION = 'x-multipart-form';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function createOpenApiDocument(app: INestApplication, config: LendbridgeConfig): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('lendbridge')
      .setDescription(
        'Cross-border loan origination: applications, reviews and their audit trail. Every error is an ' +
          'RFC 9457 problem document (application/problem+json); request schemas state exactly what the ' +
          'validators accept, and unknown properties are refused.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    // The validation pipe forbids properties it does not know (forbidNonWhitelisted).
    if ('$ref' in schema) continue;
    if (STRICT_SCHEMAS.has(name)) schema.additionalProperties = false;
    const perValue = FIELDS_PER_VALUE.get(name);
    if (perValue) {
      schema.oneOf = Object.entries(perValue.fields).map(([value, own]) => {
        const others = Object.entries(perValue.fields).flatMap(([other, fields]) => (other === value ? [] : fields));
        return {
          properties: { [perValue.on]: { enum: [value] } },
          required: [...own],
          ...(others.length > 0 && { not: { anyOf: others.map((field) => ({ required: [field] })) } }),
        };
      });
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      // Operations without a bearer scheme are public: say so, rather than leave it to a default.
      if (!operation) continue;
      if (!operation.security?.length) operation.security = [];
      const extensions = operation as unknown as Record<string, unknown>;
      const form = extensions[MULTIPART_FORM_EXTENSION];
      if (form && operation.requestBody && 'content' in operation.requestBody) {
        operation.requestBody.content['multipart/form-data'] = form;
        delete extensions[MULTIPART_FORM_EXTENSION];
      }
    }
  }
  // A document set's consent names the documents or the kinds it covers, at least one of them (the
  // API reads a body with neither as a credit report's consent).
  const documentConsent = document.components?.schemas?.DocumentConsentDto;
  if (documentConsent && !('$ref' in documentConsent)) {
    documentConsent.anyOf = [{ required: ['kinds'] }, { required: ['documents'] }];
  }
  // A jurisdiction no reviewer here serves is refused (422). Said in words, not as an enum: the list
  // is this deployment's, and a client generated from the document must fit every deployment.
  const jurisdiction = document.components?.schemas?.CreateApplicationDto as
    { properties?: Record<string, Record<string, unknown>> } | undefined;
  if (jurisdiction?.properties?.reviewJurisdiction) {
    jurisdiction.properties.reviewJurisdiction.description =
      `jurisdiction of the reviewers who review it: here ${config.review.jurisdictions.join(', ')} ` +
      '(REVIEW_JURISDICTIONS); another is refused with 422';
  }
  describeHealth(document);
  return document;
}

/**
 * The probes' answers, stated here rather than on their controller: their body is JSON, not a
 * problem, when a dependency is down (503, with Retry-After), and they are never rate limited.
 */
function describeHealth(document: OpenAPIObject): void {
  const retryAfter = { 'Retry-After': { description: 'seconds before probing again', schema: { type: 'integer' } } };
  const probes: Record<string, { operationId: string; summary: string; down: boolean }> = {
    '/health': {
      operationId: 'getHealth',
      summary: 'Readiness: 200 while Temporal answers, 503 otherwise',
      down: true,
    },
    '/health/live': { operationId: 'getLiveness', summary: 'Liveness: the process serves HTTP', down: false },
    '/health/details': { operationId: 'getHealthDetails', summary: 'Readiness with the reasons, for ops', down: true },
  };
  for (const [path, probe] of Object.entries(probes)) {
    const operation = document.paths[path]?.get;
    if (!operation) continue;
    operation.operationId = probe.operationId;
    operation.summary = probe.summary;
    operation.responses['200'] = { description: 'up', content: { 'application/json': { schema: { type: 'object' } } } };
    if (probe.down) {
      operation.responses['503'] = {
        description: 'down: which dependency, in the same shape as 200',
        headers: retryAfter,
        content: { 'application/json': { schema: { type: 'object' } } },
      };
    }
    const problem = { $ref: getSchemaPath(ProblemDto) };
    const problems: Record<string, string> = { '400': 'a query key this API refuses (e.g. __proto__)' };
    if (operation.security?.length) {
      problems['401'] = 'no valid bearer token';
      problems['403'] = 'not an ops token';
    }
    for (const [status, description] of Object.entries(problems)) {
      operation.responses[status] = { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } } };
    }
  }
}

/**
 * A documented path asked with a method it does not have answers 405 with Allow, not Express's 404:
 * the path exists. CORS preflights (OPTIONS with Access-Control-Request-Method) pass on to CORS.
 */
export function answerUnsupportedMethods(app: INestApplication, document: OpenAPIObject): void {
  const routes = Object.entries(document.paths).map(([path, item]) => {
    const methods = METHODS.filter((method) => item[method]).map((method) => method.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}/?$`);
    return { pattern, methods };
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) return next();
    const route = routes.find(({ pattern }) => pattern.test(request.path));
    if (!route || route.methods.includes(request.method)) return next();
    response
      .status(405)
      .setHeader('Allow', route.methods.join(', '))
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: problemType('method-not-allowed'),
          title: 'Method not allowed',
          status: 405,
          detail: `this path answers ${route.methods.join(', ')}`,
          instance: request.path,
        }),
      );
  });
}
