/**
 * Part of `npm run build` (and `npm run build:package` alone): the publishable package `lendbridge`
 * in dist/package, as a bank installs it. The libraries, activities and workflows compiled to `.js`
 * with their `.d.ts` (tsconfig.package.json), the workflow bundle that `bundle-workflows.ts` wrote,
 * the console's page files, and a package.json of its own: the `exports` of PACKAGE_ENTRIES, the
 * repository's `#name` imports mapped to the compiled files, Nest and Temporal as peers, every other
 * runtime dependency at the version this repository runs.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '#stack/contracts';
import { compiledPath, PEER_RANGES, presentEntries } from '#tools/package/entries';

const OUT = join(REPO_ROOT, 'dist', 'package');
/** Where the package's code lives, relative to the repository root (and to the package). */
const PACKAGED_DIRS = ['libs/', 'activities/', 'workflows/'];

interface RootManifest {
  version: string;
  description: string;
  license: string;
  imports: Record<string, string>;
  dependencies: Record<string, string>;
  engines: { node: string };
}

const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as RootManifest;
const entries = presentEntries();

// A file of a library removed since the last build must not linger in the package.
rmSync(OUT, { recursive: true, force: true });
const tsc = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.package.json'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
});
if (tsc.status !== 0) throw new Error(`tsc -p tsconfig.package.json failed (exit ${tsc.status})`);

// Declarations written by hand or generated (a client's API types, say): tsc reads them, emits nothing.
for (const dir of PACKAGED_DIRS) {
  for (const file of readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.d.ts') && (dir !== 'libs/' || /^[^/]+\/src\//.test(file))) {
      cpSync(join(REPO_ROOT, dir, file), join(OUT, dir, file));
    }
  }
}
// The worker needs the bundle's inline source map (Temporal refuses a bundle without one), but not
// the sources inside it or this machine's paths: the map keeps only repository-relative file names.
writeFileSync(
  join(OUT, 'workflow-bundle.js'),
  withoutSources(readFileSync(join(REPO_ROOT, 'dist', 'workflow-bundle.js'), 'utf8')),
);
const consoleStatic = join('libs', 'api', 'src', 'console', 'static');
cpSync(join(REPO_ROOT, consoleStatic), join(OUT, consoleStatic), { recursive: true });
copyFileSync(join(REPO_ROOT, 'docs', 'package.md'), join(OUT, 'README.md'));
copyFileSync(join(REPO_ROOT, 'CHANGELOG.md'), join(OUT, 'CHANGELOG.md'));

const packagedImports = Object.fromEntries(
  Object.entries(root.imports)
    .filter(([, target]) => PACKAGED_DIRS.some((dir) => target.startsWith(`./${dir}`)))
    .map(([name, target]) => [name, target.replace(/\.ts$/, '.js')]),
);
// Caret ranges from the versions this repository tests: a host takes their fixes (a security release
// of jose, say) and shares one copy with its own dependencies.
const dependencies = Object.fromEntries(
  Object.entries(root.dependencies)
    .filter(([name]) => !(name in PEER_RANGES))
    .map(([name, version]) => [name, /^\d/.test(version) ? `^${version}` : version]),
);
assertEveryImportDeclared(OUT, [...Object.keys(dependencies), ...Object.keys(PEER_RANGES)]);

const manifest = {
  name: 'lendbridge',
  version: root.version,
  description: root.description,
  license: root.license,
  type: 'module',
  engines: root.engines,
  exports: {
    ...Object.fromEntries(
      entries.map((entry) => [
        entry.subpath,
        { types: compiledPath(entry.source, '.d.ts'), import: compiledPath(entry.source, '.js') },
      ]),
    ),
    './package.json': './package.json',
  },
  imports: packagedImports,
  // Compiled code and its declarations, the console's page and the workflow bundle; README and
  // package.json come anyway. No sources, tests, tools or source maps.
  files: [
    ...PACKAGED_DIRS.flatMap((dir) => [`${dir}**/*.js`, `${dir}**/*.d.ts`]),
    `${consoleStatic.replaceAll('\\', '/')}/`,
    'workflow-bundle.js',
    'CHANGELOG.md',
  ],
  peerDependencies: PEER_RANGES,
  dependencies,
};
writeFileSync(join(OUT, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `package: ${relative(REPO_ROOT, OUT)} (${entries.map((entry) => `lendbridge${entry.subpath.slice(1)}`).join(', ')})`,
);

/** A package imported by the compiled code but declared nowhere would fail only in a host: fail here. */
function assertEveryImportDeclared(dir: string, declared: string[]): void {
  const undeclared = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.js') || file.startsWith(`libs/api/src/console/static`)) continue;
    const code = readFileSync(join(dir, file), 'utf8');
    // TypeScript's own scan of the imports: a pattern would read `'… from'` in a message as one.
    const imported = ts.preProcessFile(code, true, true).importedFiles.map((file) => file.fileName);
    for (const specifier of imported.filter((name) => !/^[.#]/.test(name))) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
      if (!declared.includes(name) && !builtinModules.includes(name) && !name.startsWith('node:')) undeclared.add(name);
    }
  }
  if (undeclared.size > 0) throw new Error(`compiled code imports undeclared packages: ${[...undeclared].join(', ')}`);
}

function withoutSources(bundle: string): string {
  const inline = /\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,([A-Za-z0-9+/=]+)\s*$/;
  const encoded = inline.exec(bundle)?.[1];
  if (!encoded) throw new Error('dist/workflow-bundle.js has no inline source map (npm run build makes it)');
  const map = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as {
    sources: string[];
    sourcesContent?: unknown;
  };
  delete map.sourcesContent;
  // Anywhere in a name: webpack names an ignored module `ignored|<absolute folder>|<request>`.
  map.sources = map.sources.map((source) => source.split(`${REPO_ROOT}/`).join('').split(REPO_ROOT).join('.'));
  const replaced = Buffer.from(JSON.stringify(map)).toString('base64');
  return bundle.replace(inline, `\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${replaced}\n`);
}
