// Parse throughput on the seeds repeated (scenario `parse-throughput`). The baseline is a trivial
// pass over the same texts in the same run — NFC, split into lines, a regex scan for "Số" — so the
// ratio says what the parser costs beyond merely touching the text.
import { readdirSync, readFileSync } from 'node:fs';
import { parseDocuments } from './index.ts';

export interface ParseThroughputResult {
  scenario: 'parse-throughput';
  docs_per_s: number;
  n: number;
  baseline_docs_per_s: number;
}

function loadSeeds(): string[] {
  const dir = new URL('../../../demo/seeds/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readFileSync(new URL(f, dir), 'utf8'));
}

/** Runs `pass` over all texts repeatedly for about `ms` milliseconds; returns documents per second. */
function measure(texts: string[], docsPerPass: number, ms: number, pass: (t: string) => number): { rate: number; n: number } {
  let sink = 0;
  // Warm-up.
  for (const t of texts) sink += pass(t);
  let passes = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let now: bigint;
  do {
    for (const t of texts) sink += pass(t);
    passes++;
    now = process.hrtime.bigint();
  } while (now < deadline);
  const seconds = Number(now - start) / 1e9;
  if (sink < 0) console.error(sink); // keep the work observable
  const n = passes * docsPerPass;
  return { rate: n / seconds, n };
}

export async function benchParseThroughput(opts: { seconds?: number } = {}): Promise<ParseThroughputResult> {
  const seconds = opts.seconds ?? 4;
  const texts = loadSeeds();
  const docsPerPass = texts.reduce((sum, t) => sum + parseDocuments(t).length, 0);
  if (docsPerPass === 0) throw new Error('no document found in demo/seeds');
  const parsed = measure(texts, docsPerPass, (seconds * 1000) / 2, (t) => parseDocuments(t).length);
  const baseline = measure(texts, docsPerPass, (seconds * 1000) / 2, (t) => {
    const lines = t.normalize('NFC').split('\n');
    let hits = 0;
    for (const line of lines) if (/^\s*Số\b/u.test(line)) hits++;
    return hits;
  });
  return {
    scenario: 'parse-throughput',
    docs_per_s: Math.round(parsed.rate * 10) / 10,
    n: parsed.n,
    baseline_docs_per_s: Math.round(baseline.rate * 10) / 10,
  };
}
