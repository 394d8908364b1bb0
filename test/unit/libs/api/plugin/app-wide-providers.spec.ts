/**
 * A host that imports LendbridgeModule (or the worker module) gets no app-wide guard, pipe, filter
 * or interceptor: Nest applies a provider registered as APP_GUARD (and the like) to every controller
 * of the application, the host's included. lendbridge's own attach to its controllers instead.
 */
import { type DynamicModule, type Provider, type Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { LendbridgeModule } from '#api';
import { testConfig } from '#test-support/config';
import { WorkerModule } from '#worker';

const APP_WIDE = [APP_GUARD, APP_PIPE, APP_FILTER, APP_INTERCEPTOR];
type ModuleRef = Type | DynamicModule | Promise<DynamicModule>;

/** Every provider of a module and of the modules it imports, static metadata and dynamic alike. */
async function allProviders(root: ModuleRef): Promise<Provider[]> {
  const seen = new Set<unknown>();
  const found: Provider[] = [];
  const visit = async (ref: ModuleRef | undefined): Promise<void> => {
    const resolved = await ref;
    if (!resolved || seen.has(resolved)) return;
    seen.add(resolved);
    const dynamic = 'module' in resolved ? resolved : undefined;
    const moduleClass = dynamic ? dynamic.module : (resolved as Type);
    const metadata = (key: string): unknown[] => (Reflect.getMetadata(key, moduleClass) as unknown[]) ?? [];
    found.push(...(metadata(MODULE_METADATA.PROVIDERS) as Provider[]), ...(dynamic?.providers ?? []));
    for (const child of [...metadata(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) {
      await visit(child as ModuleRef);
    }
  };
  await visit(root);
  return found;
}

const token = (provider: Provider): unknown =>
  typeof provider === 'function' ? provider : (provider as { provide: unknown }).provide;

describe('what lendbridge registers for the whole application', () => {
  const config = testConfig({
    LEDGER_REGISTRY_ADDRESS: `0x${'11'.repeat(20)}`,
    LEDGER_EVIDENCE_ADDRESS: `0x${'22'.repeat(20)}`,
  });

  it('LendbridgeModule registers no app-wide guard, pipe, filter or interceptor', async () => {
    const providers = await allProviders(LendbridgeModule.forRootAsync({ useFactory: () => ({ config }) }));
    expect(providers.length).toBeGreaterThan(5);
    expect(providers.map(token).filter((t) => APP_WIDE.includes(t as string))).toEqual([]);
  });

  it('WorkerModule registers none either', async () => {
    const providers = await allProviders(WorkerModule.forRoot(config));
    expect(providers.length).toBeGreaterThan(3);
    expect(providers.map(token).filter((t) => APP_WIDE.includes(t as string))).toEqual([]);
  });
});
