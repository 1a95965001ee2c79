// notify-*: the notification machinery on the synthetic province (150,000 members on PostgreSQL,
// 15,000 on PGlite), a HỎA TỐC notice to the whole province with SMS configured (the synthetic
// members have phones, and SMS is on for urgent notices by default: the worst case).
//
//  notify-enqueue-province  notify() in a transaction — what publishing adds to its own
//                           transaction — against a transaction inserting one bare event row.
//  notify-fanout-province   the fan-out job: every inbox row, one SMS delivery per phone with its
//                           due time from each member's settings, and the send jobs — against a
//                           bare INSERT … SELECT of the inbox rows alone for the same audience.
//  notify-estimate-province estimate() (recipients per channel, SMS cost) against a bare count of
//                           the audience.
//  notify-send-sms          one send job of 100 SMS through the provider adapter to a local
//                           stand-in (budget reserved per message, rows updated) — against 100
//                           bare HTTP posts to the same stand-in with the same concurrency.
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/core/config.ts';
import { SYSTEM_CONTEXT } from '../../src/core/audit/audit.ts';
import { queryRows } from '../../src/core/db/client.ts';
import { notify, fanOut, estimate, SEND_BATCH } from '../../src/core/notify/notify.ts';
import { sendBatch } from '../../src/core/notify/send.ts';
import { setBudget } from '../../src/core/notify/budget.ts';
import { httpStandIn } from '../../src/core/notify/testing.ts';
import { rawQuery, type BenchEnv } from '../lib/env.ts';
import { latencyFields, paired, timed, type ResultLine } from '../lib/stats.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

export async function notifyScenarios(env: BenchEnv): Promise<ResultLine[]> {
  const province = await env.province();
  const db = env.database.db;
  const sms = await httpStandIn(200);
  const config = loadConfig({ SOTAY_DATA_DIR: '/tmp/sotay-bench-unused', SOTAY_SMS_URL: `${sms.url}/send`, SOTAY_SMS_TOKEN: 'bench', SOTAY_SMS_PRICE_VND: '800' });
  const audience = { unitIds: [province.root.id] };
  const rootPrefix = `${province.root.path}%`;
  const base = { scenario: '', db: env.kind, members: province.counts.members };
  const out: ResultLine[] = [];
  try {
    await setBudget(db, SYSTEM_CONTEXT, province.root.id, 10_000_000_000);
    const newEvent = () => db.transaction((tx) => notify(tx, SYSTEM_CONTEXT, { kind: 'bench', urgency: 'hoa_toc', audience, title: 'Công điện hỏa tốc (đo hiệu năng)', unitId: province.root.id }));
    const cleanup = async (eventIds: number[]) => {
      if (!eventIds.length) return;
      const list = sql.join(eventIds.map((id) => sql`${id}`), sql`, `);
      await db.execute(sql`delete from jobs where queue like 'notify.%'`);
      await db.execute(sql`delete from notification_deliveries where event_id in (${list})`);
      await db.execute(sql`delete from notifications where event_id in (${list})`);
    };

    // 1. notify() inside the business transaction.
    {
      const made: number[] = [];
      const r = await paired(
        { warmup: 5, minN: 30, maxN: 300, budgetMs: 8000 },
        async () => made.push(await newEvent()),
        () => rawQuery(env.database, `insert into notification_events (kind, title, audience) values ('bench-baseline', 'x', '{}') returning id`),
      );
      await db.execute(sql`delete from jobs where queue = 'notify.fanout'`);
      out.push({ ...base, scenario: 'notify-enqueue-province', n: r.n, recipients: province.counts.members, ...latencyFields(r.app, r.baseline) });
    }

    // 2. The fan-out job, province-wide (inbox rows, SMS deliveries, send jobs).
    {
      const app: number[] = [];
      const baseline: number[] = [];
      let shape = { recipients: 0, sms: 0, sendJobs: 0 };
      const n = 5;
      const baselineRun = async () => {
        const [e] = await rawQuery<{ id: number }>(env.database, `insert into notification_events (kind, title, audience) values ('bench-baseline', 'x', '{}') returning id`);
        const id = Number(e!.id);
        const ms = await timed(() =>
          rawQuery(
            env.database,
            `insert into notifications (person_id, event_id)
             select distinct m.person_id, $1::bigint from units u join members m on m.unit_id = u.id
             where u.path like $2 and m.status in ('active', 'temporarily_transferred')`,
            [id, rootPrefix],
          ),
        );
        await cleanup([id]);
        return ms;
      };
      for (let i = 0; i < n + 1; i++) {
        const id = await newEvent();
        await db.execute(sql`delete from jobs where queue = 'notify.fanout'`);
        const t0 = process.hrtime.bigint();
        const r = await fanOut(db, id, config.notify);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        shape = { recipients: r.recipients, sms: r.deliveries.sms, sendJobs: r.sendJobs };
        await cleanup([id]);
        const b = await baselineRun();
        if (i > 0) {
          app.push(ms);
          baseline.push(b);
        }
        log(`${env.kind}: fan-out ${i}: ${ms.toFixed(0)} ms (baseline ${b.toFixed(0)} ms), ${r.recipients} recipients, ${r.deliveries.sms} SMS, ${r.sendJobs} send jobs`);
      }
      out.push({ ...base, scenario: 'notify-fanout-province', n, recipients: shape.recipients, sms_deliveries: shape.sms, send_jobs: shape.sendJobs, ...latencyFields(app, baseline) });
    }

    // 3. The estimate before sending.
    {
      const r = await paired(
        { warmup: 2, minN: 10, maxN: 100, budgetMs: 10_000 },
        () => estimate(db, config.notify, { audience, urgency: 'hoa_toc', unitId: province.root.id }),
        () => rawQuery(env.database, `select count(distinct m.person_id) from units u join members m on m.unit_id = u.id where u.path like $1 and m.status in ('active', 'temporarily_transferred')`, [rootPrefix]),
      );
      const e = await estimate(db, config.notify, { audience, urgency: 'hoa_toc', unitId: province.root.id });
      out.push({ ...base, scenario: 'notify-estimate-province', n: r.n, recipients: e.recipients, sms: e.channels.sms, sms_cost_vnd: e.smsCostVnd, ...latencyFields(r.app, r.baseline) });
    }

    // 4. One send job of SEND_BATCH SMS against the stand-in provider.
    {
      const id = await newEvent();
      await db.execute(sql`delete from jobs where queue = 'notify.fanout'`);
      await fanOut(db, id, config.notify);
      await db.execute(sql`delete from jobs where queue = 'notify.send'`);
      const rows = await queryRows<{ id: number }>(db, sql`select id from notification_deliveries where event_id = ${id} and state = 'queued' order by person_id`);
      const batches: number[][] = [];
      for (let i = 0; i + SEND_BATCH <= rows.length && batches.length < 200; i += SEND_BATCH) batches.push(rows.slice(i, i + SEND_BATCH).map((r) => Number(r.id)));
      let k = 0;
      const post = () =>
        fetch(`${sms.url}/send`, { method: 'POST', headers: { authorization: 'Bearer bench', 'content-type': 'application/json' }, body: JSON.stringify({ to: '+84912000000', text: 'So tay bench', sender: null, reference: 'x' }) }).then((r) => r.text());
      const r = await paired(
        { warmup: 2, minN: 10, maxN: Math.max(10, batches.length - 2), budgetMs: 15_000 },
        async () => {
          const res = await sendBatch(db, config, 'sms', batches[k++ % batches.length]!, { final: true });
          if (res.sent !== SEND_BATCH) throw new Error(`sent ${res.sent} of ${SEND_BATCH}`);
        },
        async () => {
          let next = 0;
          await Promise.all(Array.from({ length: 8 }, async () => {
            while (next++ < SEND_BATCH) await post();
          }));
        },
      );
      await cleanup([id]);
      out.push({ ...base, scenario: 'notify-send-sms', n: r.n, batch: SEND_BATCH, sms_per_s: Math.round((SEND_BATCH * 1000) / latencyFields(r.app, r.baseline).p50_ms), ...latencyFields(r.app, r.baseline) });
    }
    await db.execute(sql`delete from notification_events where kind in ('bench', 'bench-baseline')`).catch(() => {});
  } finally {
    await sms.close();
  }
  return out;
}
