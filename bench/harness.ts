// What a benchmark scenario is, and the small tools the runner hands it (docs/benchmarks.md).

/** What a scenario measured: its own way of doing the work, and the floor (the fastest simple way). */
export type TMeasurement = {
  seconds: number;
  floorSeconds: number;
  p50Ms: number | null;
  p95Ms: number | null;
  /** For a latency scenario (dashboard): p95 ÷ the floor's p95, instead of seconds ÷ floorSeconds. */
  ratioToFloor?: number;
  /** Fields of the scenario's own, written after the contract's (the audit scenario's verifyPerSecond, the load scenario's `errors` and per-endpoint figures). */
  extra?: Record<string, unknown>;
};

export type TBenchContext = {
  /** How many items (rows, checks, events…) the scenario works on. */
  n: number;
  /** A temporary folder for the scenario's files; removed when the run ends. */
  dir: string;
  /** True when running against DATABASE_URL: the scenario must leave that database as it found it. */
  external: boolean;
  log: (message: string) => void;
  progress: (label: string, done: number, total: number) => void;
};

export type TScenario = {
  name: string;
  defaultN: number;
  /** One line for the human summary: what is measured against what. */
  summary: string;
  /** Untimed setup, the timed work and the floor, all inside; the database is fresh and migrated. */
  run: (ctx: TBenchContext) => Promise<TMeasurement>;
};

/** bench/results/<scenario>.json, field for field as the contract lists them. */
export type TResult = {
  scenario: string;
  n: number;
  seconds: number;
  ratePerSecond: number;
  floorSeconds: number;
  ratioToFloor: number;
  p50Ms: number | null;
  p95Ms: number | null;
  node: string;
  cpus: number;
  at: string;
} & Record<string, unknown>;

/** Seconds taken by fn, from a monotonic clock. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A progress indicator on stderr, so stdout keeps only the summary and the JSON line. On a terminal
 * it redraws one bar in place; in a log (CI, a pipe) it writes a line every 10 %.
 */
export function stderrProgress(): Pick<TBenchContext, "log" | "progress"> {
  const out = process.stderr;
  let drawn = false;
  let lastDraw = 0;
  let lastLabel = "";
  let lastStep = -1;
  const clear = () => {
    if (drawn) out.write("\r\x1b[K");
    drawn = false;
  };
  return {
    log(message) {
      clear();
      out.write(`${message}\n`);
    },
    progress(label, done, total) {
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      if (label !== lastLabel) {
        lastLabel = label;
        lastStep = -1;
        lastDraw = 0;
      }
      if (out.isTTY) {
        const now = Date.now();
        if (lastStep === 10 || (frac < 1 && now - lastDraw < 100)) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round(frac * width);
        out.write(`\r\x1b[K${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.floor(frac * 100)}%`);
        drawn = true;
        if (frac >= 1) {
          lastStep = 10;
          out.write("\n");
          drawn = false;
        }
        return;
      }
      const step = Math.floor(frac * 10);
      if (step > lastStep) {
        lastStep = step;
        out.write(`${label}: ${step * 10}%\n`);
      }
    },
  };
}
