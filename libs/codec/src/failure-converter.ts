// Loaded inside Temporal's workflow sandbox (bundled through `failureConverterPath` when the worker
// runs from dist/) as well as in Node: it may import nothing but @temporalio/common. Its CommonJS
// twin, cjs/failure-converter.js, serves a source checkout and must stay identical in effect.
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * Moves failure messages and stack traces out of the failure's plain-text fields into its encoded
 * attributes payload, which the payload codec then encrypts: an error message can quote
 * application data (an amount, an applicant reference) just as a payload can.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });

/** Present in any workflow bundle built with this converter; the worker checks prebuilt bundles for it. */
export const FAILURE_CONVERTER_MARKER = 'lendbridge-failure-converter:encoded-attributes/v1';
