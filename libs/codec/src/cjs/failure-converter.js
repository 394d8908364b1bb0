/* global require, exports */
'use strict';
// The CommonJS twin of ../failure-converter.ts, for the two places that load the failure converter
// by path in a source checkout: Temporal's worker `require()`s it, and the workflow bundler packs
// it into the sandbox (run inside Jest, it fails on the TypeScript source; see
// ../failure-converter-path.ts). Keep the two files identical in effect;
// test/unit/libs/codec/failure-converter.spec.ts checks that they are.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS is this file's reason to exist
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
exports.FAILURE_CONVERTER_MARKER = 'lendbridge-failure-converter:encoded-attributes/v1';
