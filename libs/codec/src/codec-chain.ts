import { type Payload, type PayloadCodec, type ProtoFailure, type SerializationContext } from '@temporalio/common';

/**
 * Runs a data converter's payload codecs over payloads and over the payloads inside a failure, in
 * the order the SDK's client and worker run them: encoding through the codecs first to last,
 * decoding last to first. @temporalio/common keeps its own helpers for this out of its public
 * index, so lendbridge holds this small piece itself.
 */

/** `payloads` through every codec's `encode`, the first codec first. */
export async function encodePayloads(
  codecs: readonly PayloadCodec[],
  payloads: Payload[],
  context?: SerializationContext,
): Promise<Payload[]> {
  for (const codec of codecs) payloads = await codec.encode(payloads, context);
  return payloads;
}

/** `payloads` through every codec's `decode`, the last codec first. */
export async function decodePayloads(
  codecs: readonly PayloadCodec[],
  payloads: Payload[],
  context?: SerializationContext,
): Promise<Payload[]> {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads, context);
  return payloads;
}

/** A copy of `failure` and its causes with every payload encoded: its encoded attributes and details. */
export function encodeFailure(
  codecs: readonly PayloadCodec[],
  failure: ProtoFailure,
  context?: SerializationContext,
): Promise<ProtoFailure> {
  return mapFailurePayloads(failure, (payloads) => encodePayloads(codecs, payloads, context));
}

/** A copy of `failure` and its causes with every payload decoded: its encoded attributes and details. */
export function decodeFailure(
  codecs: readonly PayloadCodec[],
  failure: ProtoFailure,
  context?: SerializationContext,
): Promise<ProtoFailure> {
  return mapFailurePayloads(failure, (payloads) => decodePayloads(codecs, payloads, context));
}

type PayloadsMap = (payloads: Payload[]) => Promise<Payload[]>;

/**
 * The failure with `map` run on each payload-carrying field: the encoded attributes (message and
 * stack, when the failure converter moves them there), application and cancellation details,
 * timeout and reset heartbeat details, then the cause, recursively.
 */
async function mapFailurePayloads(failure: ProtoFailure, map: PayloadsMap): Promise<ProtoFailure> {
  const details = async (payloads: { payloads?: Payload[] | null } | null | undefined) =>
    payloads ? { payloads: await map(payloads.payloads ?? []) } : undefined;
  const {
    encodedAttributes,
    cause,
    applicationFailureInfo,
    timeoutFailureInfo,
    canceledFailureInfo,
    resetWorkflowFailureInfo,
  } = failure;
  return {
    ...failure,
    encodedAttributes: encodedAttributes ? (await map([encodedAttributes]))[0] : undefined,
    cause: cause ? await mapFailurePayloads(cause, map) : null,
    applicationFailureInfo: applicationFailureInfo
      ? { ...applicationFailureInfo, details: await details(applicationFailureInfo.details) }
      : undefined,
    timeoutFailureInfo: timeoutFailureInfo
      ? { ...timeoutFailureInfo, lastHeartbeatDetails: await details(timeoutFailureInfo.lastHeartbeatDetails) }
      : undefined,
    canceledFailureInfo: canceledFailureInfo
      ? { ...canceledFailureInfo, details: await details(canceledFailureInfo.details) }
      : undefined,
    resetWorkflowFailureInfo: resetWorkflowFailureInfo
      ? {
          ...resetWorkflowFailureInfo,
          lastHeartbeatDetails: await details(resetWorkflowFailureInfo.lastHeartbeatDetails),
        }
      : undefined,
  };
}
