/**
 * Reads a multipart/form-data credit-report upload and returns the report's hash, never its bytes.
 * The product rule is that a report is hashed in memory and forgotten: nothing here writes to disk or
 * logs, a `sha256-raw-v1` file is hashed chunk by chunk as it arrives, and a `sha256-jcs-v1` file is
 * held only until it is canonicalized (RFC 8785 needs the whole document). Every refusal is a Nest
 * HttpException whose message names what is wrong, never the report's content.
 */
import { type IncomingMessage } from 'node:http';
import { type Readable } from 'node:stream';
import {
  BadRequestException,
  type HttpException,
  InternalServerErrorException,
  PayloadTooLargeException,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import busboy from 'busboy';
import {
  createReportHasher,
  hashJsonReportBytes,
  REPORT_HASH_SCHEMES,
  type ReportHasher,
  type ReportHashScheme,
} from '#hashing';
import { invalidRequest } from '../problem/problem.js';

export interface ReportUpload {
  /** 64 lowercase hex characters. */
  reportHash: string;
  scheme: ReportHashScheme;
  /** The other text fields, unparsed, for the caller's DTO validation (`scheme` is not repeated here). */
  fields: Record<string, string>;
  sizeBytes: number;
}

export interface ReportUploadLimits {
  maxReportBytes: number;
  /**
   * The file part's name, which the messages call it by too: `report` (a credit report, the
   * default) or `document` (one document of a set).
   */
  filePart?: 'report' | 'document';
  /** Per text field, in bytes; 16 KiB when absent. */
  maxFieldBytes?: number;
}

const SCHEME_FIELD = 'scheme';
const DEFAULT_MAX_FIELD_BYTES = 16 * 1024;
/** Text fields per upload, `scheme` included: the DTO needs a handful, so more is a client bug or abuse. */
const MAX_TEXT_FIELDS = 10;
/**
 * Room per part for its boundary line and headers. Real clients use a few hundred bytes; this only
 * bounds the whole body, so parts without a name, preambles and epilogues cannot stream forever.
 */
const PART_OVERHEAD_BYTES = 2 * 1024;
/**
 * After a refusal the rest of the body is read and thrown away, so a client still sending can finish
 * and read the answer on a connection that stays usable. This long at most: then the socket is closed.
 */
const DISCARD_AFTER_REFUSAL_MS = 5_000;
/** Names go into an object and error messages, so only plain identifiers are taken. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Names that reach object internals when used as keys; refused outright, whatever the pattern allows. */
const FORBIDDEN_FIELD_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * Encodings under which a part's bytes are the file itself. Anything else (base64, quoted-printable)
 * would make the raw hash cover the encoding rather than the report, so it is refused, not decoded.
 */
const IDENTITY_TRANSFER_ENCODINGS = new Set(['7bit', '8bit', 'binary']);

/** busboy's parse errors, reworded for the client; any other message is not passed on. */
const MALFORMED_BODY_MESSAGES: Record<string, string> = {
  'Malformed part header': 'a part header of the multipart/form-data body is malformed',
  'Unexpected end of form': 'the multipart/form-data body ended before its closing boundary',
  'Unexpected end of file': 'the multipart/form-data body ended in the middle of the report file',
};

/**
 * Reads the upload from a request nothing has consumed yet: text fields and exactly one file part
 * named `report`, in any order (with `scheme` first, a raw report is never held whole). Resolves
 * once the whole body is read.
 * On a refusal the promise rejects at once and the rest of the body is discarded, not parsed.
 */
export async function readReportUpload(request: IncomingMessage, limits: ReportUploadLimits): Promise<ReportUpload> {
  const maxReportBytes = positiveInteger(limits.maxReportBytes, 'maxReportBytes');
  const maxFieldBytes = positiveInteger(limits.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES, 'maxFieldBytes');
  const maxBodyBytes = maxReportBytes + MAX_TEXT_FIELDS * maxFieldBytes + (MAX_TEXT_FIELDS + 2) * PART_OVERHEAD_BYTES;
  const filePart = limits.filePart ?? 'report';
  const noun = filePart === 'report' ? 'report' : 'document';
  const upload = filePart === 'report' ? 'a credit report upload' : 'a document upload';

  // Checked before anything is read: a JSON body may already have been consumed by a body parser,
  // and it should be told apart from a wiring mistake below.
  if (!isMultipartFormData(request.headers['content-type'])) {
    throw refuse(request, new UnsupportedMediaTypeException(`${upload} must be sent as multipart/form-data`));
  }
  if (request.readableEnded) {
    // Piping an ended stream would wait forever for an end that was already emitted.
    throw new InternalServerErrorException('the upload body was already read before the report reader ran');
  }
  const declaredLength = Number(request.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > maxBodyBytes) {
    throw refuse(request, uploadTooLarge(maxReportBytes, maxBodyBytes));
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: {
        // busboy reports a limit when a size *reaches* it, so one byte more than allowed is the trigger:
        // a report or field of exactly the maximum is accepted.
        fileSize: maxReportBytes + 1,
        fieldSize: maxFieldBytes + 1,
        fields: MAX_TEXT_FIELDS,
      },
    });
  } catch {
    // Only a multipart type without a usable boundary gets here: the type itself was checked above.
    throw refuse(request, new BadRequestException('the multipart/form-data content type needs a boundary parameter'));
  }

  return new Promise<ReportUpload>((resolve, reject) => {
    // Every outcome goes through settle(), so the promise settles once, whichever of the request,
    // the parser or a part speaks first; later events only find `settled` set and return.
    let settled = false;
    let scheme: ReportHashScheme | undefined;
    const fields = new Map<string, string>();
    let reportSeen = false;
    let sizeBytes = 0;
    let rawHasher: ReportHasher | undefined;
    const held = new HeldBytes(maxReportBytes + 1);
    let bodyBytes = 0;

    const detach = (): void => {
      request.unpipe(parser);
      request.off('data', countBody);
      request.off('error', onRequestError);
      request.off('close', onRequestClose);
    };
    const fail = (error: HttpException): void => {
      if (settled) return;
      settled = true;
      detach();
      held.clear();
      reject(refuse(request, error));
      // Not destroyed in place: this may run inside busboy's own write call, which keeps using its state.
      process.nextTick(() => parser.destroy());
    };
    const succeed = (upload: ReportUpload): void => {
      if (settled) return;
      settled = true;
      detach();
      resolve(upload);
    };

    const countBody = (chunk: Buffer): void => {
      bodyBytes += chunk.length;
      if (bodyBytes > maxBodyBytes) fail(uploadTooLarge(maxReportBytes, maxBodyBytes));
    };
    const onRequestError = (): void => fail(interrupted());
    const onRequestClose = (): void => {
      if (!request.complete) fail(interrupted());
    };

    // busboy emits 'error' more than once in some cases and again when destroyed; after the first,
    // the listener only keeps those from becoming uncaught exceptions.
    parser.on('error', (error: unknown) => {
      const reason = error instanceof Error ? MALFORMED_BODY_MESSAGES[error.message] : undefined;
      fail(new BadRequestException(reason ?? 'the multipart/form-data body could not be parsed'));
    });
    parser.on('fieldsLimit', () => {
      fail(new BadRequestException(`too many form fields: at most ${MAX_TEXT_FIELDS} text fields are accepted`));
    });

    parser.on('field', (name: string | undefined, value: string | undefined, info: busboy.FieldInfo) => {
      if (settled) return;
      const nameProblem = fieldNameProblem(name);
      if (nameProblem) return fail(new BadRequestException(nameProblem));
      const fieldName = name as string;
      if (fieldName === filePart) {
        return fail(new BadRequestException(`send the ${noun} as a file part (with a filename), not as a text field`));
      }
      if (info.valueTruncated) {
        return fail(new PayloadTooLargeException(`field "${fieldName}" is longer than ${maxFieldBytes} bytes`));
      }
      if (typeof value !== 'string') {
        // busboy yields no value when the part names a charset it cannot decode.
        return fail(new BadRequestException(`field "${fieldName}" uses a character set that cannot be decoded`));
      }
      if (fields.has(fieldName) || (fieldName === SCHEME_FIELD && scheme !== undefined)) {
        return fail(new BadRequestException(`field "${fieldName}" was sent more than once`));
      }
      if (fieldName !== SCHEME_FIELD) {
        fields.set(fieldName, value);
        return;
      }
      if (!isReportHashScheme(value)) {
        // Named as the JSON body's validation names it: the same problem, the same answer.
        return fail(
          invalidRequest([{ field: SCHEME_FIELD, message: `must be one of ${REPORT_HASH_SCHEMES.join(', ')}` }]),
        );
      }
      scheme = value;
    });

    parser.on('file', (name: string | undefined, file: Readable, info: busboy.FileInfo) => {
      // busboy destroys an unfinished file stream with an error when the parser is destroyed; a
      // listener must exist or that error would be uncaught. Parse errors reach us through the parser.
      file.on('error', () => undefined);
      if (settled) {
        file.resume();
        return;
      }
      if (name !== filePart) {
        file.resume();
        const which = name !== undefined && FIELD_NAME.test(name) ? ` "${name}"` : '';
        return fail(
          new BadRequestException(`unexpected file part${which}: only one file, named "${filePart}", is accepted`),
        );
      }
      if (reportSeen) {
        file.resume();
        return fail(new BadRequestException(`only one ${noun} file is accepted per upload`));
      }
      reportSeen = true;
      if (!IDENTITY_TRANSFER_ENCODINGS.has(info.encoding.toLowerCase())) {
        file.resume();
        return fail(
          new BadRequestException(
            `the ${noun} part may not declare a Content-Transfer-Encoding: send the file bytes as they are`,
          ),
        );
      }

      // Scheme first (the documented order), a raw report streams into its hash and is dropped. A
      // form that names the scheme only after the file (its parts in any order, as form encoders
      // may send them) is held until then, as a JCS report is anyway: in one buffer of at most
      // maxReportBytes + 1 bytes, however finely the client chunks it (a chunk each would cost a
      // Buffer object per byte sent).
      const schemeKnown = scheme !== undefined;
      if (scheme !== 'sha256-jcs-v1') rawHasher = createReportHasher();
      file.on('data', (chunk: Buffer) => {
        if (settled) return;
        sizeBytes += chunk.length;
        rawHasher?.update(chunk);
        if ((!schemeKnown || scheme === 'sha256-jcs-v1') && !held.append(chunk)) {
          fail(new PayloadTooLargeException(`the ${noun} is larger than ${maxReportBytes} bytes`));
        }
      });
      // Fires when the file reaches maxReportBytes + 1 bytes. busboy would then quietly skip the rest
      // of the part and carry on, so the refusal is made here, while the client is still sending.
      file.on('limit', () => fail(new PayloadTooLargeException(`the ${noun} is larger than ${maxReportBytes} bytes`)));
    });

    // 'close' follows the end of every file stream, so all report bytes have been seen by now; after an
    // error it comes too, but then settle() has already run.
    parser.on('close', () => {
      if (settled) return;
      if (parser.errored) return fail(new BadRequestException('the multipart/form-data body could not be parsed'));
      if (!reportSeen) {
        return fail(new BadRequestException(`the upload has no ${noun}: send it as a file part named "${filePart}"`));
      }
      if (scheme === undefined) {
        return fail(
          new BadRequestException(
            `the upload names no scheme: send the scheme field (${REPORT_HASH_SCHEMES.join(' or ')})`,
          ),
        );
      }
      if (sizeBytes === 0) return fail(new BadRequestException(`the ${noun} file is empty`));
      const hashed = scheme === 'sha256-raw-v1' ? rawHasher!.digest() : hashJcs(held.bytes());
      held.clear();
      // The upload is well formed; its file is not what the scheme reads (a JSON document for JCS).
      if ('problem' in hashed) return fail(new UnprocessableEntityException(hashed.problem));
      succeed({ reportHash: hashed.hash, scheme, fields: Object.fromEntries(fields), sizeBytes });
    });

    request.on('data', countBody);
    request.on('error', onRequestError);
    request.on('close', onRequestClose);
    request.pipe(parser);
  });
}

/** sha256-jcs-v1 through libs/hashing; its refusals describe the input, so they become the answer. */
function hashJcs(bytes: Buffer): { hash: string } | { problem: string } {
  try {
    return hashJsonReportBytes(bytes);
  } catch (error) {
    // The hashing module reports bad input as SyntaxError (encoding, JSON, repeated keys), RangeError
    // (inexact integers) or TypeError (lone surrogates); its messages never quote the report.
    if (error instanceof SyntaxError || error instanceof RangeError || error instanceof TypeError) {
      return { problem: error.message };
    }
    throw error;
  }
}

function fieldNameProblem(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return 'every form part needs a name';
  if (FORBIDDEN_FIELD_NAMES.has(name)) return `the field name "${name}" is not allowed`;
  if (!FIELD_NAME.test(name)) {
    // The name is not repeated: it failed the pattern, so it could be anything.
    return 'a field name must start with a letter and hold at most 64 letters, digits, ".", "_" or "-"';
  }
  return undefined;
}

function isReportHashScheme(value: string): value is ReportHashScheme {
  return (REPORT_HASH_SCHEMES as readonly string[]).includes(value);
}

function isMultipartFormData(contentType: string | undefined): boolean {
  if (typeof contentType !== 'string') return false;
  const mediaType = contentType.split(';', 1)[0] ?? '';
  return mediaType.trim().toLowerCase() === 'multipart/form-data';
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    // A wiring mistake, not the client's: the limits come from configuration.
    throw new InternalServerErrorException(`readReportUpload: ${name} must be a positive integer`);
  }
  return value;
}

function uploadTooLarge(maxReportBytes: number, maxBodyBytes: number): PayloadTooLargeException {
  return new PayloadTooLargeException(
    `the upload is larger than allowed: at most ${maxReportBytes} bytes of report and ${maxBodyBytes} bytes in all`,
  );
}

function interrupted(): BadRequestException {
  return new BadRequestException('the upload was interrupted before the body was complete');
}

/**
 * Discards whatever the client is still sending, so it can finish and read the refusal, and hands the
 * error back for throwing. Node pulls an unread body off the wire itself only when nothing consumed
 * the request; once it was piped, that is up to us. A client that keeps sending past the grace period
 * loses the connection instead.
 */
function refuse<E extends HttpException>(request: IncomingMessage, error: E): E {
  if (request.readableEnded || request.destroyed) return error;
  const timer = setTimeout(() => request.destroy(), DISCARD_AFTER_REFUSAL_MS);
  // A lingering upload must not keep the process alive on shutdown.
  timer.unref();
  const stop = (): void => clearTimeout(timer);
  request.once('end', stop);
  request.once('close', stop);
  // Errors of a request nobody reads any more (the client hanging up) are of no interest.
  request.on('error', () => undefined);
  request.resume();
  return error;
}

/**
 * A report's bytes held in one buffer that doubles as it fills, up to `capacity`: memory follows
 * the bytes received, not the number of chunks they came in.
 */
class HeldBytes {
  private buffer = Buffer.alloc(0);
  private length = 0;

  constructor(private readonly capacity: number) {}

  /** False, holding nothing more, when the chunk would not fit (busboy's limit should come first). */
  append(chunk: Buffer): boolean {
    const needed = this.length + chunk.length;
    if (needed > this.capacity) return false;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.capacity, Math.max(needed, this.buffer.length * 2, 64 * 1024)));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length);
    this.length = needed;
    return true;
  }

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  clear(): void {
    this.buffer = Buffer.alloc(0);
    this.length = 0;
  }
}
