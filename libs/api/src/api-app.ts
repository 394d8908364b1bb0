import { type Server, STATUS_CODES } from 'node:http';
import { type Duplex } from 'node:stream';
import { type INestApplication, type NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import bodyParser from 'body-parser';
import { Logger } from 'nestjs-pino';
import { type LendbridgeConfig } from '#config';
import { ApiModule } from './api.module.js';
import { REQUEST_ID_HEADER } from './observability/logging.js';
import { answerUnsupportedMethods, createOpenApiDocument } from './openapi/openapi-document.js';
import { ProblemFilter } from './problem/problem.filter.js';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem/problem.js';

/** Paths served outside `/v1`: where probes, scrapers and the Temporal UI expect them. */
const CODEC_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const UNVERSIONED = [
  'health',
  'health/live',
  'health/details',
  'metrics',
  'codec/{*path}',
  'console',
  'console/{*path}',
];

/** Builds the API exactly as `main` serves it, so tests exercise the same app. */
export async function createApiApp(
  config: LendbridgeConfig,
  options: NestApplicationOptions = {},
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
    // Registered below with lendbridge's limits; Nest's defaults would also parse urlencoded bodies.
    bodyParser: false,
    ...options,
  });
  app.useLogger(app.get(Logger));
  // Behind a load balancer, the client's address (rate limit) and scheme (Secure cookies) come
  // from X-Forwarded-* headers, trusted for exactly this many hops.
  app.set('trust proxy', config.api.trustProxy);
  const json = { type: ['application/json', 'application/*+json'] };
  // The Temporal UI sends whole payloads to the codec endpoint: up to Temporal's 2 MB, base64-encoded.
  app.use('/codec', bodyParser.json({ ...json, limit: CODEC_BODY_LIMIT_BYTES }));
  app.useBodyParser('json', { ...json, limit: config.api.bodyLimitBytes });
  app.setGlobalPrefix('v1', { exclude: UNVERSIONED });
  // Errors outside any lendbridge controller (unknown routes, unreadable bodies) are problems too.
  app.useGlobalFilters(new ProblemFilter());
  const document = createOpenApiDocument(app, config);
  // Before CORS, which would answer any OPTIONS itself.
  answerUnsupportedMethods(app, document);
  app.enableCors({
    // The Temporal UI calls /codec from the browser; credentials so the ops token reaches it.
    origin: config.api.corsOrigins,
    credentials: true,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Namespace', REQUEST_ID_HEADER],
    exposedHeaders: [REQUEST_ID_HEADER, 'Location'],
    maxAge: 600,
  });
  // Swagger UI's assets come from the swagger-ui-dist package: nothing is fetched from the internet.
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', useGlobalPrefix: false });
  answerUnreadableRequestsWithProblems(app.getHttpServer());
  app.enableShutdownHooks();
  return app;
}

/**
 * Requests Node's HTTP parser refuses (headers or URL too large, malformed request lines) never
 * reach Nest; without this they would get Node's bare answer instead of a problem document.
 */
function answerUnreadableRequestsWithProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify({
      type: problemType(status === 431 ? 'headers-too-large' : status === 408 ? 'timeout' : 'invalid-request'),
      title: STATUS_CODES[status],
      status,
      detail: status === 431 ? 'the URL or headers are larger than this API reads' : 'the request could not be read',
    });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
