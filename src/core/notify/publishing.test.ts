// Publishing goes through the one event path: publish() records its notice in the same
// transaction; the fan-out reaches exactly the people the publication reaches; a HỎA TỐC
// document goes out at once; the publisher can follow the delivery of their publication.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eq, sql } from 'drizzle-orm';
import { testConfig } from '../../../test/kit/app.ts';
import { testDatabase, type TestDatabase } from '../../../test/kit/db.ts';
import { accountByLogin, unitByCode } from '../../../test/kit/demo.ts';
import { queryRows } from '../db/client.ts';
import { loadActor } from '../auth/actor.ts';
import { JobQueue } from '../jobs/queue.ts';
import { documents } from '../../documents/schema.ts';
import { audienceRecipients, publish } from '../../distribution/publications.ts';
import { registerNotifyJobs } from './jobs.ts';
import { deliveryReport, noticesAbout } from './inbox.ts';
import { estimate, needsConfirmation } from './notify.ts';
import { setBudget } from './budget.ts';
import { closeMailTransports } from './channels/email.ts';
import { httpStandIn, type HttpStandIn } from './testing.ts';

let database: TestDatabase;
let sms: HttpStandIn;
before(async () => {
  database = await testDatabase({ demo: true });
  sms = await httpStandIn(200);
});
after(async () => {
  closeMailTransports();
  await sms.close();
  await database.close();
});

test('a HỎA TỐC document published to a commune notifies exactly its audience, at once, and the sender sees the delivery', async () => {
  const db = database.db;
  const config = testConfig({ SOTAY_SMS_URL: `${sms.url}/send`, SOTAY_SMS_TOKEN: 't' });
  const commune = await unitByCode(db, 'TB-DT');
  const province = await unitByCode(db, 'TB');
  await db.update(documents).set({ urgency: 'hoa_toc' }).where(eq(documents.number, '354-CV/TU'));
  const [doc] = await db.select().from(documents).where(sql`${documents.number} = '354-CV/TU' and ${documents.unitId} = ${province.id}`);
  assert.ok(doc, 'the seed document of the province');
  const login = await accountByLogin(db, 'bantochuc');
  const actor = (await loadActor(db, login.id))!;
  await setBudget(db, { accountId: login.id }, province.id, 1_000_000);

  const before = await estimate(db, config.notify, { audience: { unitIds: [commune.id] }, urgency: 'hoa_toc', unitId: province.id });
  assert.ok(before.channels.sms > 0 && before.smsCostVnd === before.channels.sms * 800);
  assert.equal(needsConfirmation(before), true, 'SMS costs money: the publisher confirms');

  const r = await publish(db, { accountId: login.id }, actor, {
    unitId: province.id,
    documentId: doc.id,
    announcement: null,
    audienceUnitIds: [commune.id],
    audienceRole: 'all',
    requirement: 'read',
    reflection: false,
    dueOn: null,
    excludeExempt: false,
  });
  const [notice] = await noticesAbout(db, { type: 'publication', id: r.publication.id });
  assert.ok(notice, 'publishing recorded its notice');
  const [event] = await queryRows<{ urgency: string; title: string; body: string; link: string; unit_id: number; created_by: number }>(db, sql`select urgency, title, body, link, unit_id, created_by from notification_events where id = ${notice.id}`);
  assert.deepEqual(
    { ...event, title: event!.title.startsWith('354-CV/TU: ') },
    { urgency: 'hoa_toc', title: true, body: 'Tỉnh ủy Thái Bình gửi văn bản mới. Đồng chí hãy đọc và bấm "Tôi đã đọc".', link: `/reading/${r.publication.id}`, unit_id: province.id, created_by: login.id },
  );

  const q = new JobQueue(db, { batch: 50 });
  await registerNotifyJobs(q, () => config);
  for (let i = 0; i < 20 && (await q.runOnce()) > 0; i++);

  const inbox = await queryRows<{ person_id: number }>(db, sql`select person_id from notifications where event_id = ${notice.id} order by 1`);
  const expected = (await audienceRecipients(db, r.publication.id)).map((x) => x.personId);
  assert.deepEqual(inbox.map((x) => x.person_id), expected, 'the notice reaches exactly the people the publication reaches');
  const report = (await deliveryReport(db, notice.id))!;
  assert.equal(report.event.recipients, expected.length);
  assert.equal(report.channels.sms.sent, before.channels.sms, 'HỎA TỐC: every SMS sent at once, whatever the hour');
  assert.equal(report.channels.sms.scheduled, 0);
  assert.equal(sms.received.length, before.channels.sms);
  assert.equal(report.channels.sms.costVnd, before.smsCostVnd);
});
