/**
 * `npm run client:generate`: writes the API's OpenAPI document and the typed client's types
 * (libs/client/src/openapi.json and api-types.ts). Run it after changing a controller or a DTO and
 * commit what it writes; the unit tests refuse a client that no longer matches the API.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateClientFiles } from './client-files.js';

const root = process.cwd();
for (const [file, text] of Object.entries(await generateClientFiles(root))) {
  await writeFile(join(root, file), text);
  console.log(`wrote ${file}`);
}
