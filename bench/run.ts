// `npm run bench -- [--json] [--only NAME] [--db pglite|postgres|both] [--members N]`
// Runs the scenarios (see bench/README.md) on databases of its own — a temporary PGlite
// directory, or a scratch PostgreSQL database dropped afterwards — and prints one line per
// result: JSON objects with --json, a table otherwise. Progress goes to stderr.
import os from 'node:os';
import { args } from '../src/cli/args.ts';
import { UsageError } from '../src/cli/main.ts';
import type { DbKind } from '../src/core/db/client.ts';
import { DEFAULT_POSTGRES_URL, openBenchEnv, PROVINCE_SIZE, type BenchEnv } from './lib/env.ts';
import type { ResultLine } from './lib/stats.ts';
import { loginThroughput } from './scenarios/login.ts';
import { cellMembers, subtree } from './scenarios/members.ts';
import { parseThroughput } from './scenarios/parse.ts';
import { search100k, search10k } from './scenarios/search.ts';
import { homeMember, publishProvince, rollupProvince } from './scenarios/distribution.ts';
import { notifyScenarios } from './scenarios/notify.ts';
import { boardDirective4000, reportRollup90d } from './scenarios/tasks-reports.ts';
import { voteLive200 } from './scenarios/vote-live.ts';
import { pageWeight } from './scenarios/page-weight.ts';

type Scenario = { name: string; what: string; run: (env: BenchEnv) => Promise<ResultLine[]> };

export const SCENARIOS: Scenario[] = [
  { name: 'login-throughput', what: 'đăng nhập thành công qua ứng dụng (argon2id) so với argon2.verify trực tiếp', run: loginThroughput },
  { name: 'subtree-150k', what: 'danh sách đảng viên của một xã / huyện / cả tỉnh qua API so với route Fastify trần cùng câu SQL', run: subtree },
  { name: 'cell-members', what: 'danh sách đảng viên một chi bộ qua API so với route Fastify trần cùng câu SQL', run: cellMembers },
  { name: 'parse-throughput', what: 'đọc tiêu đề văn bản (số văn bản/giây) so với một lượt quét đơn giản', run: parseThroughput },
  { name: 'search-100k', what: 'tìm văn bản (có dấu, không dấu, theo số) trong 100.000 văn bản qua API so với cùng câu SQL gửi thẳng (PostgreSQL)', run: search100k },
  { name: 'search-10k', what: 'như search-100k, 10.000 văn bản (PGlite)', run: search10k },
  { name: 'publish-province', what: 'phát hành một văn bản đến cả tỉnh / mọi xã qua API so với cùng các câu INSERT gửi thẳng', run: publishProvince },
  { name: 'rollup-province', what: 'tỉ lệ đã đọc của một văn bản toàn tỉnh theo huyện, theo huyện và xã qua API so với cùng câu SQL gửi thẳng', run: rollupProvince },
  { name: 'home-member', what: 'trang chủ của một đảng viên (ô "Văn bản mới" có số chưa đọc) so với câu đếm số chưa đọc gửi thẳng', run: homeMember },
  { name: 'notify', what: 'thông báo HỎA TỐC cho cả tỉnh: ghi sự kiện, phân phát (hộp thư + SMS), ước tính, gửi SMS — so với câu SQL/HTTP trần', run: notifyScenarios },
  { name: 'board-directive-4000', what: 'bảng theo dõi một văn bản giao cho 4.000 đơn vị (trang, .xlsx) so với cùng các câu SQL gửi thẳng (PostgreSQL)', run: boardDirective4000 },
  { name: 'page-weight', what: 'dung lượng tải về (nén) của trang chủ và trang đọc văn bản của một đảng viên, đo trong chromium, lần đầu và lần sau, so với ngưỡng 50 KB', run: pageWeight },
  { name: 'vote-live-200', what: '200 đảng viên biểu quyết qua hai phiên bản ứng dụng chung một PostgreSQL: từ lúc gửi đến lúc phòng họp hiện phiếu, so với pg_notify trần', run: voteLive200 },
  { name: 'report-rollup-90d', what: 'tổng hợp báo cáo hằng ngày của mọi xã cấp tỉnh trong 90 ngày (API, trang) so với cùng câu SQL gửi thẳng (PostgreSQL)', run: reportRollup90d },
];

const HELP = `Cách dùng: npm run bench -- [--json] [--only NAME] [--db pglite|postgres|both] [--members N]

Đo hiệu năng trên cơ sở dữ liệu riêng của lần đo (thư mục PGlite tạm, hoặc một cơ sở dữ liệu
PostgreSQL tạm được xoá sau khi đo). Mặc định: PostgreSQL nếu có DATABASE_URL, nếu không thì PGlite.
  --json          mỗi kết quả một dòng JSON
  --only NAME     chỉ chạy kịch bản này (lặp lại hoặc ngăn cách bằng dấu phẩy)
  --db            pglite | postgres (DATABASE_URL hoặc ${DEFAULT_POSTGRES_URL}) | both
  --members N     cỡ tỉnh tổng hợp (mặc định ${PROVINCE_SIZE.postgres.members} trên PostgreSQL, ${PROVINCE_SIZE.pglite.members} trên PGlite)

Kịch bản:
${SCENARIOS.map((s) => `  ${s.name.padEnd(18)} ${s.what}`).join('\n')}
`;

const fmt = (x: unknown) => (typeof x === 'number' ? (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)) : String(x));

/** One readable row: what was measured, the figure, its baseline, and how many times the baseline it is. */
function tableRow(r: ResultLine): string[] {
  const detail = r.unit ? `${r.unit}: ${r.subtree_members} đv, ${r.rows} dòng` : r.format ? `${r.format}: ${r.units} đơn vị, ${r.rows} dòng` : r.query ? `${r.query}: ${r.rows} kết quả` : r.rows !== undefined ? `${r.rows} dòng` : r.concurrency ? `${r.concurrency} đồng thời` : '';
  if (typeof r.logins_per_s === 'number' || typeof r.docs_per_s === 'number') {
    const [v, b, unit] = typeof r.logins_per_s === 'number' ? [r.logins_per_s, Number(r.baseline_logins_per_s), 'lần/s'] : [Number(r.docs_per_s), Number(r.baseline_docs_per_s), 'vb/s'];
    const extra = typeof r.p50_ms === 'number' ? ` (p50 ${fmt(r.p50_ms)} ms, p95 ${fmt(r.p95_ms)} ms)` : '';
    const bextra = typeof r.baseline_p50_ms === 'number' ? ` (p50 ${fmt(r.baseline_p50_ms)} ms)` : '';
    return [r.scenario, r.db, detail, String(r.n), `${fmt(v)} ${unit}${extra}`, `${fmt(b)} ${unit}${bextra}`, `${fmt(b / v)}× chậm hơn`];
  }
  if (typeof r.bytes === 'number' && r.p50_ms === undefined) {
    return [r.scenario, r.db, `${r.path}: ${r.requests} yêu cầu`, String(r.n), `${fmt(r.bytes / 1024)} KB (lần sau ${fmt(Number(r.warm_bytes) / 1024)} KB)`, `ngưỡng ${fmt(Number(r.budget_bytes) / 1024)} KB`, r.under_budget ? 'dưới ngưỡng' : 'vượt ngưỡng'];
  }
  const p50 = Number(r.p50_ms);
  const b50 = Number(r.baseline_p50_ms);
  return [r.scenario, r.db, detail, String(r.n), `p50 ${fmt(p50)} ms, p95 ${fmt(r.p95_ms)} ms`, `p50 ${fmt(b50)} ms, p95 ${fmt(r.baseline_p95_ms)} ms`, `${fmt(p50 / b50)}×`];
}

const HEADER = ['kịch bản', 'csdl', 'chi tiết', 'n', 'ứng dụng', 'mốc so sánh (baseline)', 'tỉ lệ'];
const WIDTHS = [17, 9, 34, 5, 44, 36, 14];
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(WIDTHS[i]!)).join(' ').trimEnd() + '\n';

export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = args(argv, { json: { type: 'boolean' }, only: { type: 'string', multiple: true }, db: { type: 'string' }, members: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const only = (values.only ?? []).flatMap((o) => o.split(',')).map((o) => o.trim()).filter(Boolean);
  for (const name of only) {
    if (!SCENARIOS.some((s) => s.name === name)) throw new UsageError(`Không có kịch bản "${name}". Các kịch bản: ${SCENARIOS.map((s) => s.name).join(', ')}.`);
  }
  const selected = only.length ? SCENARIOS.filter((s) => only.includes(s.name)) : SCENARIOS;
  const dbArg = values.db ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
  if (!['pglite', 'postgres', 'both'].includes(dbArg)) throw new UsageError(`--db phải là pglite, postgres hoặc both (nhận được "${dbArg}").`);
  const kinds: DbKind[] = dbArg === 'both' ? ['pglite', 'postgres'] : [dbArg as DbKind];
  let members: number | undefined;
  if (values.members !== undefined) {
    if (!/^\d+$/.test(values.members) || Number(values.members) < 500 || Number(values.members) > 800_000) throw new UsageError(`--members phải là số nguyên từ 500 đến 800000 (nhận được "${values.members}").`);
    members = Number(values.members);
  }

  const open = new Set<BenchEnv>();
  const onSignal = () => {
    process.stderr.write('bench: interrupted, removing the scratch databases…\n');
    void Promise.allSettled([...open].map((e) => e.cleanup())).then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let failed = 0;
  const [load] = os.loadavg();
  const cpus = os.availableParallelism();
  if (load! > cpus) process.stderr.write(`bench: warning: load average ${load!.toFixed(1)} on ${cpus} CPUs — other work is running and the figures will be noisy\n`);
  if (!values.json) process.stdout.write(line(HEADER));
  try {
    for (const kind of kinds) {
      const env = await openBenchEnv(kind, members ? { members } : {});
      open.add(env);
      try {
        for (const s of selected) {
          const t0 = Date.now();
          process.stderr.write(`bench: ${kind}: ${s.name}…\n`);
          try {
            for (const r of await s.run(env)) process.stdout.write(values.json ? JSON.stringify(r) + '\n' : line(tableRow(r)));
          } catch (e) {
            failed++;
            process.stderr.write(`bench: ${kind}: ${s.name} failed: ${(e as Error).stack ?? e}\n`);
          }
          process.stderr.write(`bench: ${kind}: ${s.name} took ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        }
      } finally {
        await env.cleanup();
        open.delete(env);
      }
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  return failed ? 1 : 0;
}
