/**
 * The six faults of `npm run test:chaos`. Each runs beside the load and says what it did; the
 * load and the audit are the same for all of them (see chaos.ts).
 */
import { type LoanStage } from '#domain';
import { type Stack, sleep } from '#stack/stack';
import { type LoanDriver } from './loan-driver.js';

export interface FaultContext {
  stack: Stack;
  driver: LoanDriver;
  /** Share of the applications finished so far, 0 to 1. */
  finished: () => number;
  log: (message: string) => void;
}

export interface Scenario {
  name: string;
  workers: number;
  apis: number;
  /** Injects the faults while the load runs; resolves with one line per fault injected. */
  inject(ctx: FaultContext): Promise<string[]>;
}

/** Waits until `ready` holds or `timeoutMs` passes; true when it held. */
async function waitFor(ready: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > until) return false;
    await sleep(100);
  }
  return true;
}

const describeStages = (stages: Partial<Record<LoanStage, number>>): string =>
  Object.entries(stages)
    .map(([stage, count]) => `${count} ${stage}`)
    .join(', ') || 'none in flight';

/** Waits until `share` of the applications have finished (or a minute and a half has passed). */
const whenFinished = (ctx: FaultContext, share: number): Promise<boolean> =>
  waitFor(() => ctx.finished() >= share, 90_000);

export const SCENARIOS: Scenario[] = [
  {
    name: 'worker killed (SIGKILL) during verification and during the decision, four times',
    workers: 1,
    apis: 1,
    async inject({ stack, driver, log }) {
      const done: string[] = [];
      // Alternate the stage aimed at; a kill happens anyway after 20 s, and says what it hit.
      const targets: LoanStage[] = ['VERIFYING', 'DECIDING', 'VERIFYING', 'DECIDING'];
      await sleep(5_000);
      for (const target of targets) {
        const hit = await waitFor(() => (driver.stagesInFlight()[target] ?? 0) > 0, 20_000);
        const stages = describeStages(driver.stagesInFlight());
        await stack.kill('worker', 0);
        log(`killed the worker ${hit ? `with applications ${target}` : `(none ${target} seen)`}: ${stages}`);
        done.push(`SIGKILL worker while in flight: ${stages}`);
        await sleep(1_500);
        stack.startWorker(0);
        await sleep(6_000);
      }
      return done;
    },
  },
  {
    name: 'Temporal dev server stopped and restarted on the same SQLite file mid-load',
    workers: 1,
    apis: 1,
    async inject(ctx) {
      await whenFinished(ctx, 0.25);
      const stages = describeStages(ctx.driver.stagesInFlight());
      ctx.log(`stopping the Temporal dev server: ${stages}`);
      await ctx.stack.restartTemporal(5_000);
      ctx.log('the Temporal dev server is back');
      return [`Temporal dev server stopped for 5 s and restarted with its SQLite file, while in flight: ${stages}`];
    },
  },
  {
    name: 'anvil stopped for 60 s, then restarted with its state',
    workers: 1,
    apis: 1,
    async inject(ctx) {
      await whenFinished(ctx, 0.15);
      const stages = describeStages(ctx.driver.stagesInFlight());
      ctx.log(`stopping anvil for 60 s: ${stages}`);
      await ctx.stack.stopAnvil();
      await sleep(60_000);
      await ctx.stack.startAnvil();
      ctx.log('anvil is back with its state');
      return [`anvil stopped for 60 s and restarted from its state file, while in flight: ${stages}`];
    },
  },
  {
    name: 'webhook receiver answering 500, then timing out, for a while',
    workers: 1,
    apis: 1,
    async inject(ctx) {
      await whenFinished(ctx, 0.1);
      ctx.stack.webhooks.mode = 'fail';
      ctx.log('the receiver answers 500 for 20 s');
      await sleep(20_000);
      ctx.stack.webhooks.mode = 'hang';
      ctx.log('the receiver holds requests unanswered for 25 s (the sender gives up after 10 s)');
      await sleep(25_000);
      ctx.stack.webhooks.mode = 'accept';
      ctx.log('the receiver answers again');
      return ['receiver answered 500 for 20 s', 'receiver left requests unanswered for 25 s'];
    },
  },
  {
    name: 'API killed (SIGKILL) mid-request, three times; clients retry with the same application id',
    workers: 1,
    apis: 1,
    async inject({ stack, driver, log }) {
      const done: string[] = [];
      await sleep(4_000);
      for (let kill = 0; kill < 3; kill++) {
        await waitFor(() => driver.inFlight.size > 0, 30_000);
        const stages = describeStages(driver.stagesInFlight());
        await stack.kill('api', 0);
        log(`killed the API mid-request: ${stages}`);
        done.push(`SIGKILL API with requests in flight: ${stages}`);
        await sleep(1_000);
        stack.startApi(0);
        await sleep(8_000);
      }
      return done;
    },
  },
  {
    name: 'two workers competing, one killed (SIGKILL) for good',
    workers: 2,
    apis: 1,
    async inject(ctx) {
      await whenFinished(ctx, 0.3);
      const stages = describeStages(ctx.driver.stagesInFlight());
      await ctx.stack.kill('worker', 1);
      ctx.log(`killed worker-1 for good: ${stages}`);
      return [`SIGKILL one of two workers, not restarted, while in flight: ${stages}`];
    },
  },
];
