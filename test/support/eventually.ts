/**
 * Reads until `done` holds, for what the real stack does in its own time (a worker's next task,
 * visibility catching up). Fails with the last value seen, so a timeout says where things stood.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  { attempts = 300, intervalMs = 100 } = {},
): Promise<T> {
  let value: T | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(value)}`);
}
