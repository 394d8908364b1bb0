/**
 * Part of `npm run build`: makes each compiled app under dist/ runnable by plain Node.
 *
 * Libraries import each other by name (`#domain`, `#api/...`) through the `imports` of the root
 * package.json, which name the TypeScript sources; the apps import the package by its own name
 * (`lendbridge`, `lendbridge/worker`) through its `exports`. dist/apps/<app>/ mirrors the
 * repository's layout, so a package.json there, named `lendbridge` too, maps the same names to the
 * compiled `.js`. The console's page files are not TypeScript, so they are copied beside the
 * compiled console controller.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '#stack/contracts';

const root = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string>;
  imports: Record<string, string>;
};
const toJs = (map: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(map).map(([name, target]) => [name, target.replace(/\.ts$/, '.js')]));
for (const app of ['api', 'worker']) {
  // Named as the package, so the app's `lendbridge` imports resolve to this build (self-reference).
  const manifest = {
    name: 'lendbridge',
    private: true,
    type: 'module',
    exports: toJs(root.exports),
    imports: toJs(root.imports),
  };
  writeFileSync(join(REPO_ROOT, 'dist', 'apps', app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
const consoleStatic = join('libs', 'api', 'src', 'console', 'static');
cpSync(join(REPO_ROOT, consoleStatic), join(REPO_ROOT, 'dist', 'apps', 'api', consoleStatic), { recursive: true });
console.log('dist: package.json with compiled imports for api and worker; console page copied');
