/**
 * Module hooks (see decorator-metadata.mjs): each .ts file of the repository is compiled by
 * TypeScript alone, file by file, with the repository's tsconfig.json. `isolatedModules` is on there,
 * so compiling one file at a time emits what `tsc` emits for the whole program.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(import.meta.dirname, '..', '..');
const tsconfig = join(root, 'tsconfig.json');
const { config, error } = ts.readConfigFile(tsconfig, ts.sys.readFile);
if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
const compilerOptions = {
  ...options,
  // Node loads the output as an ES module; the source map stays inline so stack traces name .ts lines.
  module: ts.ModuleKind.ESNext,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
  declaration: false,
};

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || url.includes('/node_modules/') || !url.split('?')[0].endsWith('.ts')) {
    return nextLoad(url, context);
  }
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, 'utf8'), { fileName, compilerOptions });
  return { format: 'module', source: outputText, shortCircuit: true };
}
