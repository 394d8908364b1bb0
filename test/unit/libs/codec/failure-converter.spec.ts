import { createRequire } from 'node:module';
import { ApplicationFailure, defaultPayloadConverter, type FailureConverter } from '@temporalio/common';
import {
  assertBundleEncodesFailures,
  decodeFailure,
  encodeFailure,
  FAILURE_CONVERTER_MARKER,
  failureConverter,
  failureConverterPath,
  lendbridgeDataConverter,
  workerDataConverter,
} from '#codec';

const keys = { activeKeyId: 'f1', keys: { f1: 'e5'.repeat(32) } };
const SECRET = 'applicant pseudonym-77 asked for HKD 120000.00';

describe('failure converter', () => {
  it('moves the message and stack into encoded attributes, which the codec encrypts', async () => {
    const converter = lendbridgeDataConverter(keys);
    const error = ApplicationFailure.nonRetryable(SECRET, 'PolicyViolation', { limit: '120000.00' });

    const failure = await encodeFailure(
      converter.payloadCodecs,
      converter.failureConverter.errorToFailure(error, converter.payloadConverter),
    );
    expect(failure.message).not.toContain(SECRET);
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    const attributes = failure.encodedAttributes!;
    expect(Buffer.from(attributes.metadata!.encoding!).toString()).toBe('binary/encrypted');
    // Nothing the server would store names the message: not the failure, not its payloads.
    const stored = Buffer.from(JSON.stringify(failure));
    expect(stored.includes('pseudonym-77')).toBe(false);
    expect(stored.includes('120000.00')).toBe(false);

    const decoded = await decodeFailure(converter.payloadCodecs, failure);
    const back = converter.failureConverter.failureToError(decoded, converter.payloadConverter);
    expect(back).toBeInstanceOf(ApplicationFailure);
    expect(back.message).toBe(SECRET);
    expect((back as ApplicationFailure).type).toBe('PolicyViolation');
    expect((back as ApplicationFailure).nonRetryable).toBe(true);
    expect((back as ApplicationFailure).details).toEqual([{ limit: '120000.00' }]);
    expect(back.stack).toContain('failure-converter.spec.ts');
  });

  it('still reads failures recorded before encryption was switched on, message in clear', async () => {
    const legacy = { message: 'an old failure', applicationFailureInfo: { type: 'LedgerUnavailable' } };
    const decoded = await decodeFailure(lendbridgeDataConverter(keys).payloadCodecs, legacy);
    const error = failureConverter.failureToError(decoded, defaultPayloadConverter);
    expect(error.message).toBe('an old failure');
    expect((error as ApplicationFailure).type).toBe('LedgerUnavailable');
  });

  it('gives the worker the same converter by path that clients get by value', () => {
    const worker = workerDataConverter(keys);
    expect(worker.failureConverterPath).toBe(failureConverterPath());
    // The path is what the SDK require()s in the worker and bundles into the workflow sandbox.
    const loaded = createRequire(import.meta.url)(failureConverterPath()) as {
      failureConverter: FailureConverter & { options: unknown };
      FAILURE_CONVERTER_MARKER: string;
    };
    expect(loaded.failureConverter.options).toEqual(failureConverter.options);
    expect(loaded.FAILURE_CONVERTER_MARKER).toBe(FAILURE_CONVERTER_MARKER);
    expect(worker.payloadCodecs).toHaveLength(1);
  });

  it('refuses a prebuilt workflow bundle that lacks the failure converter', () => {
    expect(() => assertBundleEncodesFailures('var __TEMPORAL__ = {};', '/srv/workflow-bundle.js')).toThrow(
      /workflow bundle \/srv\/workflow-bundle\.js was built without lendbridge's failure converter/,
    );
    expect(() => assertBundleEncodesFailures(`const m = '${FAILURE_CONVERTER_MARKER}';`, 'b.js')).not.toThrow();
  });
});
