import type { Payload } from '@temporalio/common';
import proto, { type temporal } from '@temporalio/proto';
import type { Root } from 'protobufjs';
import { fromJson, toJson } from 'protobufjs/ext/protojson.js';

/**
 * Histories and payloads in protobuf JSON, the form `temporal workflow show --output json` prints
 * and the recorded fixtures hold, read with protobufjs' ProtoJSON extension against the SDK's own
 * message types (@temporalio/common keeps its readers for this out of its public index).
 */

// @temporalio/proto's module is the protobufjs root its generated types describe.
const root = proto as unknown as Root;
const History = root.lookupType('temporal.api.history.v1.History');
const ProtoPayload = root.lookupType('temporal.api.common.v1.Payload');
// Like the SDK: a field a newer server or SDK added is skipped, not refused.
const PARSE = { ignoreUnknownFields: true };

/** A payload in protobuf JSON: bytes as base64. */
export interface JSONPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

/** A history in canonical protobuf JSON (enum values by their full names, as the fixtures hold them). */
export function historyFromJSON(history: unknown): temporal.api.history.v1.IHistory {
  if (typeof history !== 'object' || history === null || !Array.isArray((history as { events?: unknown }).events)) {
    throw new TypeError('Invalid history, expected an object with an array of events');
  }
  return fromJson(History, history, PARSE) as temporal.api.history.v1.IHistory;
}

export function payloadToJSON(payload: Payload): JSONPayload {
  return toJson(ProtoPayload, ProtoPayload.create(payload)) as JSONPayload;
}

export function JSONToPayload(json: JSONPayload): Payload {
  return fromJson(ProtoPayload, json, PARSE) as Payload;
}
