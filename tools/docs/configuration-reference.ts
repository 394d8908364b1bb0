/** `npm run docs:config`: rewrites the configuration reference in docs/configuration.md from the config schema. */
import { readFileSync, writeFileSync } from 'node:fs';
import { CONFIGURATION_DOC, renderConfigurationTable, withGeneratedRegion } from './configuration-table.js';

const before = readFileSync(CONFIGURATION_DOC, 'utf8');
const after = withGeneratedRegion(before, renderConfigurationTable());
if (after === before) {
  console.log('docs/configuration.md is up to date');
} else {
  writeFileSync(CONFIGURATION_DOC, after);
  console.log('wrote docs/configuration.md');
}
