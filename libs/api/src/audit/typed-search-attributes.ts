import {
  JsonPayloadConverter,
  SearchAttributeType,
  TypedSearchAttributes,
  ValueError,
  type Payload,
  type SearchAttributePair,
} from '@temporalio/common';

/**
 * Reads the typed search attributes of a history event the way the SDK's client reads a
 * workflow's (that reader is not in @temporalio/common's public index): each value is JSON, its
 * type named by the payload's `type` metadata. A value without that metadata (a cleared one), of
 * an unknown type or not valid for its type is left out; a payload without metadata or with
 * data that is not JSON throws.
 */
export function decodeTypedSearchAttributes(
  indexedFields: Record<string, Payload> | null | undefined,
): TypedSearchAttributes {
  const pairs: SearchAttributePair[] = [];
  for (const [name, payload] of Object.entries(indexedFields ?? {})) {
    const attribute = typedValue(payload);
    if (attribute) pairs.push({ key: { name, type: attribute.type }, value: attribute.value } as SearchAttributePair);
  }
  return new TypedSearchAttributes(pairs);
}

const json = new JsonPayloadConverter();
const utf8 = new TextDecoder();

function typedValue(payload: Payload): { type: SearchAttributeType; value: unknown } | undefined {
  if (!payload.metadata) throw new ValueError('Missing payload metadata');
  const typeName = payload.metadata.type;
  if (!typeName) return undefined;
  const type = TypedSearchAttributes.toSearchAttributeType(utf8.decode(typeName));
  if (type === undefined) return undefined;
  let value = json.fromPayload<unknown>(payload);
  // A value written before keyword lists had their own type comes as a one-element array.
  if (type !== SearchAttributeType.KEYWORD_LIST && Array.isArray(value)) {
    if (value.length > 1) return undefined;
    value = value[0];
  }
  if (type === SearchAttributeType.DATETIME && value) value = new Date(value as string);
  return isValidFor(type, value) ? { type, value } : undefined;
}

function isValidFor(type: SearchAttributeType, value: unknown): boolean {
  switch (type) {
    case SearchAttributeType.TEXT:
    case SearchAttributeType.KEYWORD:
      return typeof value === 'string';
    case SearchAttributeType.INT:
      return Number.isInteger(value);
    case SearchAttributeType.DOUBLE:
      return typeof value === 'number';
    case SearchAttributeType.BOOL:
      return typeof value === 'boolean';
    case SearchAttributeType.DATETIME:
      return value instanceof Date;
    case SearchAttributeType.KEYWORD_LIST:
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
  }
}
