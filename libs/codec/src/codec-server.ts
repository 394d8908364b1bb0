import { type Payload, type PayloadCodec } from '@temporalio/common';

/**
 * The codec-server protocol the Temporal Web UI (and CLI) speak to a "codec endpoint": POST
 * `.../decode` (lendbridge serves no `.../encode`: see the codec controller) with a `temporal.api.common.v1.Payloads` message in protobuf JSON,
 * answered with the same shape. Protobuf JSON writes bytes as base64, so every metadata value and
 * every `data` is a base64 string. These functions hold the protocol; the HTTP layer only routes.
 */

/** More payloads than one history event carries; a bigger request is a mistake or an attack. */
export const MAX_CODEC_PAYLOADS = 1000;

export interface PayloadJson {
  metadata: Record<string, string>;
  data: string;
}

export interface PayloadsJson {
  payloads: PayloadJson[];
}

/** The request body is not a Payloads message; the HTTP layer answers 400 with this message. */
export class CodecRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecRequestError';
  }
}

/**
 * Decrypts the payloads of a codec-server request body. A payload the codec cannot decrypt (an
 * unknown key id, a failed authentication) rejects the whole request with the codec's error.
 */
export async function decodePayloadsJson(codec: PayloadCodec, body: unknown): Promise<PayloadsJson> {
  return payloadsToJson(await codec.decode(parsePayloadsJson(body)));
}

/** Reads a protobuf-JSON Payloads message, refusing anything that is not exactly that. */
export function parsePayloadsJson(body: unknown): Payload[] {
  if (!isRecord(body)) throw new CodecRequestError('body: expected a JSON object with a "payloads" array');
  rejectUnknownFields(body, ['payloads'], 'body');
  const { payloads } = body;
  if (!Array.isArray(payloads)) throw new CodecRequestError('payloads: expected an array');
  if (payloads.length > MAX_CODEC_PAYLOADS) {
    throw new CodecRequestError(`payloads: ${payloads.length} payloads, at most ${MAX_CODEC_PAYLOADS} per request`);
  }
  return payloads.map((payload: unknown, i) => parsePayload(payload, `payloads[${i}]`));
}

/** Writes payloads as protobuf JSON (standard base64, padded). */
export function payloadsToJson(payloads: Payload[]): PayloadsJson {
  return {
    payloads: payloads.map((payload) => ({
      metadata: Object.fromEntries(
        Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
      ),
      data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

function parsePayload(payload: unknown, where: string): Payload {
  if (!isRecord(payload)) throw new CodecRequestError(`${where}: expected an object`);
  rejectUnknownFields(payload, ['metadata', 'data'], where);
  const { metadata, data } = payload;
  const parsed: Payload = { metadata: {}, data: new Uint8Array() };
  // Protobuf JSON may omit a field or write null for its default (no metadata, empty data).
  if (metadata !== undefined && metadata !== null) {
    if (!isRecord(metadata)) throw new CodecRequestError(`${where}.metadata: expected an object`);
    parsed.metadata = Object.fromEntries(
      Object.entries(metadata).map(([key, value]) => [
        key,
        base64Bytes(value, `${where}.metadata[${JSON.stringify(key)}]`),
      ]),
    );
  }
  if (data !== undefined && data !== null) parsed.data = base64Bytes(data, `${where}.data`);
  return parsed;
}

// Protobuf JSON parsers accept the standard and the URL-safe alphabet, padded or not. Node's own
// decoder silently skips characters it does not know, so the text is checked before decoding.
const BASE64 = /^(?:[A-Za-z0-9+/]*|[A-Za-z0-9_-]*)={0,2}$/;

function base64Bytes(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string') throw new CodecRequestError(`${where}: expected a base64 string`);
  const unpadded = value.replace(/=+$/, '');
  const padded = value.length !== unpadded.length;
  if (!BASE64.test(value) || unpadded.length % 4 === 1 || (padded && value.length % 4 !== 0)) {
    throw new CodecRequestError(`${where}: not valid base64`);
  }
  // Node's base64 decoder reads both alphabets.
  return Buffer.from(value, 'base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rejectUnknownFields(value: Record<string, unknown>, known: string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new CodecRequestError(`${where}: unexpected field ${JSON.stringify(unknown[0])}`);
}
