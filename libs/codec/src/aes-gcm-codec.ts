import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { type Payload, type PayloadCodec } from '@temporalio/common';
// @temporalio/proto is CommonJS whose exports Node's ESM loader cannot list: import its default.
import proto from '@temporalio/proto';
import { type CodecKeys } from '#config/lendbridge-config';
import { isHex32 } from '#domain/hex';

/** The `encoding` of a payload this codec produced; anything else is left alone on decode. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata naming the key that encrypted a payload, so keys can rotate without re-encrypting history. */
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Versioned so a later format can never authenticate under this one's rules.
const AAD_CONTEXT = 'lendbridge/payload/aes-256-gcm/v1\u0000';

const ProtoPayload = proto.temporal.api.common.v1.Payload;

/**
 * The encoding a worker's codec gives a payload it cannot decode (see `markUndecodable`): no
 * payload converter knows it, so converting it throws inside the workflow. For an update's input
 * that rejects the update; anywhere else it fails the workflow task, which is retried.
 */
export const UNDECODABLE_ENCODING = 'binary/lendbridge-undecodable';
/** Metadata saying why a payload could not be decoded. */
export const UNDECODABLE_REASON_METADATA = 'lendbridge-undecodable-reason';

/** A payload that cannot be decrypted. Names the key id involved, never key material. */
export class PayloadCodecError extends Error {
  constructor(
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = 'PayloadCodecError';
  }
}

/**
 * Encrypts every Temporal payload with AES-256-GCM so the Temporal server (and anyone reading its
 * database) sees only ciphertext. The whole serialized payload is encrypted, metadata included,
 * because metadata such as `encoding` and message types also describe the application's data.
 *
 * Layout of `data`: 12-byte random IV ‖ ciphertext ‖ 16-byte tag. The key id travels in clear
 * metadata and is bound as additional authenticated data, so relabelling a payload with another
 * configured key id fails authentication instead of being decrypted under the wrong policy.
 */
export class AesGcmCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly activeKeyId: string;
  private readonly activeKey: Buffer;

  /**
   * `allowPlaintext` lets payloads this codec did not encrypt through decode unchanged (the codec
   * endpoint shows them as they are). Otherwise a payload it cannot decode (plaintext, an unknown
   * key id, altered) is refused: with `markUndecodable` (the worker) it is replaced by a payload of
   * UNDECODABLE_ENCODING, so one bad update sent straight to Temporal is rejected like any invalid
   * action instead of failing every workflow task of the application; without it, decode throws.
   */
  constructor(
    config: CodecKeys,
    private readonly options: { allowPlaintext?: boolean; markUndecodable?: boolean } = {},
  ) {
    const keys = new Map<string, Buffer>();
    for (const [id, hex] of Object.entries(config.keys)) {
      // The message names the id only: a key must never reach a log through an error.
      if (!isHex32(hex)) throw new PayloadCodecError(`key ${id} is not 64 lowercase hex characters`, id);
      keys.set(id, Buffer.from(hex, 'hex'));
    }
    const activeKey = keys.get(config.activeKeyId);
    if (!activeKey) {
      throw new PayloadCodecError(
        `active key id ${JSON.stringify(config.activeKeyId)} is not among the configured keys`,
      );
    }
    this.keys = keys;
    this.activeKeyId = config.activeKeyId;
    this.activeKey = activeKey;
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    // The work is synchronous; the executor turns a throw into the rejection the interface promises.
    return new Promise((resolve) => resolve(payloads.map((payload) => this.encrypt(payload))));
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((payload) => this.decodeOne(payload))));
  }

  private decodeOne(payload: Payload): Payload {
    if (!this.options.markUndecodable) return this.decrypt(payload);
    try {
      return this.decrypt(payload);
    } catch (error) {
      if (!(error instanceof PayloadCodecError)) throw error;
      return {
        metadata: {
          encoding: Buffer.from(UNDECODABLE_ENCODING),
          [UNDECODABLE_REASON_METADATA]: Buffer.from(error.message),
        },
        data: new Uint8Array(),
      };
    }
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.activeKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.activeKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(keyId));
    const plaintext = ProtoPayload.encode(payload).finish();
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        encoding: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(keyId),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) {
      const empty = !payload.data?.length && Object.keys(payload.metadata ?? {}).length === 0;
      if (empty || this.options.allowPlaintext) return payload;
      throw new PayloadCodecError(
        'refusing a payload that is not encrypted: it did not come from a holder of the keys',
      );
    }

    const rawKeyId = payload.metadata?.[KEY_ID_METADATA];
    if (!rawKeyId) throw new PayloadCodecError(`encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const keyId = Buffer.from(rawKeyId).toString();
    const key = this.keys.get(keyId);
    if (!key) {
      throw new PayloadCodecError(
        `payload was encrypted with key id ${JSON.stringify(keyId)}, which is not configured ` +
          '(a retired key must stay listed while history encrypted with it is kept)',
        keyId,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new PayloadCodecError(`encrypted payload under key id ${JSON.stringify(keyId)} is truncated`, keyId);
    }
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadCodecError(
        `encrypted payload failed authentication under key id ${JSON.stringify(keyId)}: ` +
          'it was altered, relabelled with another key id, or that id now names a different key',
        keyId,
      );
    }
    try {
      return ProtoPayload.decode(plaintext);
    } catch {
      // Only a holder of the key could have encrypted this; still, it is not a payload.
      throw new PayloadCodecError(`payload under key id ${JSON.stringify(keyId)} is not a Temporal payload`, keyId);
    }
  }
}

function additionalData(keyId: string): Buffer {
  return Buffer.from(AAD_CONTEXT + keyId);
}
