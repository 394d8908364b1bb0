import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type DynamicModule } from '@nestjs/common';
import { LoggerModule, type Params } from 'nestjs-pino';
import { type DestinationStream, type LevelWithSilent, stdSerializers } from 'pino';
import { type Options } from 'pino-http';
import { LENDBRIDGE_CONFIG, type LendbridgeConfig } from '#config';
import { requestAnnotations, requestPath, routeTemplate } from './request-context.js';

/** Header that carries the request id in both directions. */
export const REQUEST_ID_HEADER = 'x-request-id';

// A caller's id is trusted only in a shape that cannot smuggle anything into a log line or header.
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

// Client-controlled and otherwise unbounded; enough to tell clients apart.
const USER_AGENT_MAX_LENGTH = 256;

/**
 * Credentials, wherever they turn up. The serializers below already leave headers out; this is the
 * second line of defence for any code that logs a headers object by hand.
 */
const REDACTED_PATHS = [
  'authorization',
  'cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
];

export interface LoggingOptions {
  /** Where JSON lines go; stdout when omitted. Tests pass a stream they can read back. */
  destination?: DestinationStream;
}

/** The caller's `x-request-id` when it is well-formed, else a fresh UUID. */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

/**
 * `nestjs-pino` parameters for the API.
 *
 * Loan applications carry personal data (applicant references, amounts, consent), so a request line
 * is built field by field from an allow-list: method, path without its query string, route
 * template, status, duration, user agent, request id and the annotations handlers add. Nothing from
 * a request or response body is ever logged, and no header besides `user-agent`.
 */
export function loggerParams(level: LevelWithSilent, options: LoggingOptions = {}): Params {
  const pinoHttp: Options = {
    level,
    // Each request gets one id, set before any handler runs so every log line in it carries it.
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const id = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // Lines logged inside a request carry just `reqId`; the request itself is described once, in
    // the completion line.
    quietReqLogger: true,
    customAttributeKeys: { responseTime: 'durationMs' },
    // Serializers receive the raw objects, so nothing reaches a line unless named below.
    wrapSerializers: false,
    serializers: {
      req: (req: IncomingMessage) => ({
        method: req.method,
        path: requestPath(req),
        userAgent: req.headers['user-agent']?.slice(0, USER_AGENT_MAX_LENGTH),
      }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
      err: stdSerializers.err,
    },
    // pino-http calls this on arrival and again when the response finishes; only the second call
    // knows the route and the handler's annotations, and answering the first would bind `route`
    // twice on the completion line.
    customProps: (req: IncomingMessage, res: ServerResponse) =>
      res.headersSent ? { route: routeTemplate(req, res.statusCode), ...requestAnnotations(req) } : {},
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    ...(options.destination ? { stream: options.destination } : {}),
  };
  return { pinoHttp };
}

/**
 * The `nestjs-pino` module, configured from `LENDBRIDGE_CONFIG`.
 *
 * `nestjs-pino` keeps one pino-http instance per process (built by the first app that needs it),
 * so a second app in the same process logs through the first one's level and destination.
 */
export function createLoggerModule(options: LoggingOptions = {}): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [LENDBRIDGE_CONFIG],
    useFactory: (config: LendbridgeConfig) => loggerParams(config.log.level, options),
  });
}
