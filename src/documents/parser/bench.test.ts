// The parse-throughput measurement runs and reports a sane shape (a short run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchParseThroughput } from './bench.ts';

test('benchParseThroughput reports documents per second and an in-run baseline', async () => {
  const r = await benchParseThroughput({ seconds: 0.2 });
  assert.equal(r.scenario, 'parse-throughput');
  assert.ok(r.n > 0);
  assert.ok(r.docs_per_s > 0);
  assert.ok(r.baseline_docs_per_s > r.docs_per_s);
});
