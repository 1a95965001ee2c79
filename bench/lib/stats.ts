// Timing helpers shared by the scenarios: latencies in milliseconds, nearest-rank percentiles,
// a small worker pool, and the common shape of a result line.

export type ResultLine = { scenario: string; db: 'pglite' | 'postgres'; n: number } & Record<string, string | number | boolean | null>;

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Milliseconds `fn` took. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Nearest-rank percentile of `samples` (0 < p ≤ 100). */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Rounds to two decimals (three below 1 ms), enough for these figures. */
export function round(x: number): number {
  const digits = Math.abs(x) < 1 ? 3 : 2;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function latencyFields(samples: readonly number[], baseline: readonly number[]) {
  return {
    p50_ms: round(percentile(samples, 50)),
    p95_ms: round(percentile(samples, 95)),
    baseline_p50_ms: round(percentile(baseline, 50)),
    baseline_p95_ms: round(percentile(baseline, 95)),
  };
}

/** Runs `fn` over `items` with at most `concurrency` in flight, in order of start. */
export async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/**
 * Measures an app request against its baseline, interleaved (app, baseline, baseline, app, …) so
 * that drift (caches, GC, autovacuum) falls on both alike. Stops after `maxN` pairs or when the
 * time budget is spent, but never before `minN` pairs.
 */
export async function paired(opts: { warmup: number; minN: number; maxN: number; budgetMs: number }, app: () => Promise<unknown>, baseline: () => Promise<unknown>) {
  for (let i = 0; i < opts.warmup; i++) {
    await app();
    await baseline();
  }
  const a: number[] = [];
  const b: number[] = [];
  const start = nowMs();
  for (let i = 0; i < opts.maxN && (i < opts.minN || nowMs() - start < opts.budgetMs); i++) {
    if (i % 2 === 0) {
      a.push(await timed(app));
      b.push(await timed(baseline));
    } else {
      b.push(await timed(baseline));
      a.push(await timed(app));
    }
  }
  return { app: a, baseline: b, n: a.length };
}
