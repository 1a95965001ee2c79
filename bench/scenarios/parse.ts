// parse-throughput: the official-document header parser over the seed documents repeated,
// against a trivial pass over the same texts (benchParseThroughput, owned by documents/parser).
// It opens no database; the line carries the database of the run only to keep the format.
import { benchParseThroughput } from '../../src/documents/parser/bench.ts';
import type { BenchEnv } from '../lib/env.ts';
import type { ResultLine } from '../lib/stats.ts';

export async function parseThroughput(env: Pick<BenchEnv, 'kind'>): Promise<ResultLine[]> {
  const r = await benchParseThroughput({ seconds: 4 });
  return [{ scenario: r.scenario, db: env.kind, n: r.n, docs_per_s: r.docs_per_s, baseline_docs_per_s: r.baseline_docs_per_s }];
}
