/**
 * `tsx --import ./tools/client/decorator-metadata.mjs <script>`: runs a script that builds Nest
 * apps with the decorator metadata `tsc` emits. tsx (esbuild) emits none, and without it
 * @nestjs/swagger cannot tell a property's type, so the OpenAPI document would not be the one the
 * API serves. tsx still resolves the imports; only the compilation of our .ts files is TypeScript's.
 */
import { register } from 'node:module';

register('./decorator-metadata-hooks.mjs', import.meta.url);
