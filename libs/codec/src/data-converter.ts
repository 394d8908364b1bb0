import { defaultPayloadConverter, type DataConverter, type LoadedDataConverter } from '@temporalio/common';
import { type CodecKeys } from '#config/lendbridge-config';
import { AesGcmCodec } from './aes-gcm-codec.js';
import { failureConverterPath } from './failure-converter-path.js';
import { FAILURE_CONVERTER_MARKER, failureConverter } from './failure-converter.js';

/**
 * The data converter for a Temporal `Client`, already loaded: the client then needs no
 * `require()` of a converter file, which an ES-module application cannot count on.
 */
export function lendbridgeDataConverter(keys: CodecKeys): LoadedDataConverter {
  return { payloadConverter: defaultPayloadConverter, failureConverter, payloadCodecs: [new AesGcmCodec(keys)] };
}

/**
 * The data converter for `Worker.create`. A worker takes converters only by path, because its
 * workflow sandbox needs the failure converter as code to bundle; the codec runs outside the
 * sandbox and is passed as an object.
 *
 * With a prebuilt `workflowBundle` the path is used only outside the sandbox: the bundle must have
 * been built with the same `failureConverterPath` (see {@link assertBundleEncodesFailures}).
 */
export function workerDataConverter(keys: CodecKeys): DataConverter {
  // An undecodable payload becomes one no converter reads: a bad update is rejected, not fatal.
  return {
    payloadCodecs: [new AesGcmCodec(keys, { markUndecodable: true })],
    failureConverterPath: failureConverterPath(),
  };
}

/**
 * Refuses a prebuilt workflow bundle that lacks lendbridge's failure converter. Such a bundle would
 * still run, but its workflows would write failure messages to history in plain text.
 */
export function assertBundleEncodesFailures(code: string, source: string): void {
  if (!code.includes(FAILURE_CONVERTER_MARKER)) {
    throw new Error(
      `workflow bundle ${source} was built without lendbridge's failure converter ` +
        '(rebuild it with `npm run build`, which passes failureConverterPath to bundleWorkflowCode)',
    );
  }
}
