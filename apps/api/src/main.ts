/**
 * The standalone API: a host of the package like a bank's own, importing only `lendbridge` (here
 * by the package's name, which resolves to this repository's sources or, under dist/, to the
 * compiled ones).
 */
import { createApiApp, loadConfig } from 'lendbridge';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApiApp(config);
  await app.listen(config.api.port, config.api.host);
  console.log(`lendbridge API listening on http://${config.api.host}:${config.api.port}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
