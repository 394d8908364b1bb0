/**
 * CPU and memory of the processes a benchmark runs, read from /proc (Linux): CPU time is utime +
 * stime of /proc/<pid>/stat (every thread of the process), memory is VmRSS of /proc/<pid>/status.
 * Sampled on an interval; a window (one phase of the run) reports CPU used and peak and mean RSS.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** CPU seconds used since the process started. */
  cpuSeconds: number;
  rssMb: number;
}

export interface ProcUsage {
  /** CPU seconds used within the window. */
  cpuSeconds: number;
  /** Mean share of one core over the window, in percent (100 = one core busy throughout). */
  cpuPercent: number;
  rssPeakMb: number;
  rssMeanMb: number;
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

const TICKS = clockTicksPerSecond();

/** One reading of a process, or undefined when it is gone (or /proc is not there). */
export function readProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuTicks = Number(fields[11]) + Number(fields[12]); // utime, stime: fields 14 and 15
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
    return { cpuSeconds: cpuTicks / TICKS, rssMb: rssKb / 1024 };
  } catch {
    return undefined;
  }
}

interface Window {
  startedAt: number;
  first: Map<string, ProcSample>;
  rss: Map<string, number[]>;
}

export class ProcSampler {
  private readonly pids = new Map<string, number>();
  private readonly latest = new Map<string, ProcSample>();
  private window?: Window;
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs = 500) {}

  track(name: string, pid: number | undefined): void {
    if (pid) this.pids.set(name, pid);
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The most recent reading of a tracked process. */
  last(name: string): ProcSample | undefined {
    return this.latest.get(name);
  }

  /** Starts a window: CPU is counted from here, RSS collected until `endWindow`. */
  beginWindow(): void {
    this.sample();
    this.window = { startedAt: performance.now(), first: new Map(this.latest), rss: new Map() };
    for (const [name, reading] of this.latest) this.window.rss.set(name, [reading.rssMb]);
  }

  endWindow(): Record<string, ProcUsage> {
    this.sample();
    const window = this.window;
    if (!window) throw new Error('no window was begun');
    this.window = undefined;
    const seconds = (performance.now() - window.startedAt) / 1000;
    const usage: Record<string, ProcUsage> = {};
    for (const [name, first] of window.first) {
      const last = this.latest.get(name) ?? first;
      const rss = window.rss.get(name) ?? [first.rssMb];
      const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
      usage[name] = {
        cpuSeconds: round(cpuSeconds, 2),
        cpuPercent: round((cpuSeconds / seconds) * 100, 1),
        rssPeakMb: round(Math.max(...rss), 1),
        rssMeanMb: round(rss.reduce((a, b) => a + b, 0) / rss.length, 1),
      };
    }
    return usage;
  }

  private sample(): void {
    for (const [name, pid] of this.pids) {
      const reading = readProc(pid);
      if (!reading) continue;
      this.latest.set(name, reading);
      this.window?.rss.get(name)?.push(reading.rssMb);
    }
  }
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
