/**
 * Makes a namespace ready for lendbridge: custom search attributes registered and retention long
 * enough for ops to look back. Idempotent, because the dev server keeps its database across
 * restarts and `--search-attribute` only applies when a namespace is first created.
 */
import { type Connection } from '@temporalio/client';
import { msToTs, SearchAttributeType, type defineSearchAttributeKey } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
// @temporalio/proto is CommonJS whose exports Node's ESM loader cannot list: import its default.
import proto from '@temporalio/proto';
import { LENDBRIDGE_SEARCH_ATTRIBUTES } from '#domain';

const IndexedValueType = proto.temporal.api.enums.v1.IndexedValueType;

/** `SearchAttributeKey` is not exported by @temporalio/common's index; derive it. */
type SearchAttributeKey = ReturnType<typeof defineSearchAttributeKey<SearchAttributeType>>;

const INDEXED_VALUE_TYPES: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  [SearchAttributeType.TEXT]: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  [SearchAttributeType.INT]: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  [SearchAttributeType.DOUBLE]: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  [SearchAttributeType.BOOL]: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  [SearchAttributeType.DATETIME]: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  [SearchAttributeType.KEYWORD_LIST]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

export const DEFAULT_RETENTION_DAYS = 30;

/** How the server indexes a search attribute of this SDK type. */
export function indexedValueType(type: SearchAttributeType): temporal.api.enums.v1.IndexedValueType {
  return INDEXED_VALUE_TYPES[type];
}

/** Registers the search attributes the namespace lacks; returns the names it added. */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly SearchAttributeKey[] = LENDBRIDGE_SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const registered = existing.customAttributes ?? {};
  const missing = keys.filter((key) => !(key.name in registered));
  if (missing.length > 0) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
    });
  }
  return missing.map((key) => key.name);
}

/** Sets the namespace's history retention when it differs; returns whether it changed anything. */
export async function ensureRetention(
  connection: Connection,
  namespace: string,
  days: number = DEFAULT_RETENTION_DAYS,
): Promise<boolean> {
  const wanted = msToTs(`${days}d`);
  const described = await connection.workflowService.describeNamespace({ namespace });
  const current = described.config?.workflowExecutionRetentionTtl?.seconds;
  if (current !== undefined && current !== null && String(current) === String(wanted.seconds)) return false;
  await connection.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: wanted } });
  return true;
}
