/**
 * What the published package `lendbridge` exposes: one line per entry of its `exports` map. An
 * entry whose library is not in this checkout (yet) is left out of the build; a required one that
 * is missing fails it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '#stack/contracts';

export interface PackageEntry {
  /** The subpath a host imports: '.' is `lendbridge`, './worker' is `lendbridge/worker`. */
  subpath: string;
  /** The TypeScript source of the entry, from the repository root. */
  source: string;
  required: boolean;
}

export const PACKAGE_ENTRIES: readonly PackageEntry[] = [
  { subpath: '.', source: 'libs/api/src/index.ts', required: true },
  { subpath: './worker', source: 'libs/worker/src/index.ts', required: true },
  { subpath: './domain', source: 'libs/domain/src/index.ts', required: true },
  { subpath: './webhooks', source: 'libs/webhooks/src/index.ts', required: false },
  { subpath: './client', source: 'libs/client/src/index.ts', required: false },
];

/** The entries this checkout can build. */
export function presentEntries(root: string = REPO_ROOT): PackageEntry[] {
  const missing = PACKAGE_ENTRIES.filter((entry) => entry.required && !existsSync(join(root, entry.source)));
  if (missing.length > 0) {
    throw new Error(`package entries without a source: ${missing.map((entry) => entry.source).join(', ')}`);
  }
  return PACKAGE_ENTRIES.filter((entry) => existsSync(join(root, entry.source)));
}

/** The compiled file of a source, as the package's `exports` and `imports` name it. */
export function compiledPath(source: string, extension: '.js' | '.d.ts'): string {
  return `./${source.replace(/\.ts$/, extension)}`;
}

/** Nest, Express and Temporal are the host's: one copy each in its application, so peers. */
export const PEER_RANGES: Readonly<Record<string, string>> = {
  '@nestjs/common': '^12.5.1',
  '@nestjs/core': '^12.5.1',
  '@nestjs/platform-express': '^12.5.1',
  // The prebuilt workflow bundle carries the workflow runtime of the SDK it was built with: the
  // worker, client and bundle must be of one minor line.
  '@temporalio/activity': '~1.24.0',
  '@temporalio/client': '~1.24.0',
  '@temporalio/common': '~1.24.0',
  '@temporalio/proto': '~1.24.0',
  '@temporalio/worker': '~1.24.0',
  '@temporalio/workflow': '~1.24.0',
  'reflect-metadata': '^0.2.2',
  rxjs: '^7.8.2',
};
