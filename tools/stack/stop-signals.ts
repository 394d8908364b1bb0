/**
 * Ctrl-C for every long-running tool (`npm run dev`, `npm run stack:cluster`, the benchmarks, the
 * fault-injection runs): the first SIGINT or SIGTERM calls `stop`, which stops the processes in
 * order and exits; a second one a moment later exits at once (the exit hook of processes.ts kills
 * what is left). One Ctrl-C often arrives twice at the same instant (from the terminal's process
 * group and relayed by tsx), so a repeat within a second is not the second one. The handler stays
 * installed throughout: Node's default for a signal would exit without stopping any child.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => void, log: (message: string) => void): () => boolean {
  let firstAt: number | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (firstAt === undefined) {
      firstAt = Date.now();
      stop(signal);
      return;
    }
    if (Date.now() - firstAt < 1_000) return;
    log('stopping now');
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => firstAt !== undefined;
}
