/**
 * A JSON-RPC proxy in front of a node that makes processes sharing one key race for a nonce every
 * time: it holds back the first `parties` nonce reads (eth_getTransactionCount) until all of them
 * have arrived, then answers them together, so every process signs with the same nonce and all but
 * one lose. Later reads pass straight through, so a writer that retries can win.
 */
import { createServer, type Server } from 'node:http';
import { freePort } from '#stack/processes';

export interface NonceBarrierProxy {
  url: string;
  close(): Promise<void>;
}

export async function startNonceBarrierProxy(nodeUrl: string, parties: number): Promise<NonceBarrierProxy> {
  const waiting: (() => void)[] = [];
  let held = 0;
  const releaseAll = (): void => {
    held = parties;
    for (const release of waiting.splice(0)) release();
  };
  const forward = async (body: string): Promise<string> =>
    await (await fetch(nodeUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).text();
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        const isNonceRead = (JSON.parse(body) as { method?: string }).method === 'eth_getTransactionCount';
        if (isNonceRead && held < parties) {
          held++;
          if (held < parties) {
            // Never hang a test: a party that does not come within 20 s lets the others go.
            if (held === 1) setTimeout(releaseAll, 20_000).unref();
            await new Promise<void>((release) => waiting.push(release));
          } else {
            releaseAll();
          }
        }
        // Every held read is answered only now, after the last party arrived: all see the same nonce.
        response.setHeader('content-type', 'application/json');
        response.end(await forward(body));
      })();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
