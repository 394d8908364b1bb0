/**
 * The public keys that authenticate human actions (see libs/domain/src/action-assertion.ts). The
 * workflow sandbox has no environment to read them from, and they must not come from Temporal
 * (anyone who can write to Temporal could then bring their own): the worker writes its configured
 * keys into the bundle it loads, over the placeholder string below
 * (libs/temporal/src/action-keys-bundle.ts). A bundle loaded without keys accepts no action.
 */
import { parseActionKeys, type ActionVerifyKeys } from '#domain';

// The placeholder; this exact string must appear nowhere else in the workflow code.
const configured: string = '__LENDBRIDGE_ACTION_VERIFY_KEYS__';

let keys: ActionVerifyKeys | undefined;

export function actionVerifyKeys(): ActionVerifyKeys {
  keys ??= (configured.startsWith('__LENDBRIDGE_') ? undefined : parseActionKeys(configured)) ?? {};
  return keys;
}
