import { createApiApp } from '#api';
import { loadConfig } from '#config';

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
