// Distribution on the demo organisation, over HTTP and through the domain functions: publishing
// to a subtree reaches exactly the members below it and nobody else (page and API); narrowing by
// role; exempt members left out of the rates; late joiners; confirmations once per member
// (Idempotency-Key, unique row, concurrency on PostgreSQL); "disseminated in person" marked and
// audited on behalf; classified documents refused; rates per unit on the demo data, the .xlsx
// export; bad input refused with its message and nothing saved; publishing writes a constant
// number of rows whatever the number of members.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type TestApp } from '../../test/kit/app.ts';
import { accountByLogin, personByPhone, unitByCode } from '../../test/kit/demo.ts';
import { onPostgres } from '../../test/kit/db.ts';
import { queryRows, type Db } from '../core/db/client.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { loadActor } from '../core/auth/actor.ts';
import { readXlsx } from '../core/xlsx/index.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { DomainError } from '../core/errors.ts';
import { transferMember } from '../people/members.ts';
import { registerDocument } from '../documents/documents.ts';
import { validateDocument } from '../documents/validation.ts';
import { documents } from '../documents/schema.ts';
import { publicationReads } from './schema.ts';
import { audienceRecipients, confirm, listMine, loadPubShape, publish, recordDisseminatedAtMeeting, recordInPerson, rollup, type PublishInput } from './publications.ts';

let t: TestApp;
let db: Db;
before(async () => {
  t = await testApp({ demo: true });
  db = t.database.db;
});
after(() => t.close());

const actorOf = async (login: string) => (await loadActor(db, (await accountByLogin(db, login)).id))!;
const whoOf = async (login: string) => ({ accountId: (await accountByLogin(db, login)).id });
const count = async (table: string, where = sql`true`) => Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from ${sql.identifier(table)} where ${where}`))[0]!.n);
const tomorrow = () => {
  const d = new Date(`${todayIso()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 7);
  return d.toISOString().slice(0, 10);
};

/** Members attending a cell (active, or attending it temporarily), as person ids. */
async function attending(cellId: number, opts: { exempt?: boolean } = {}): Promise<number[]> {
  const rows = await queryRows<{ id: number }>(
    db,
    sql`select person_id::int as id from members where status in ('active', 'temporarily_transferred') and coalesce(temporary_unit_id, unit_id) = ${cellId} ${opts.exempt === false ? sql`and not exempt` : sql``} order by person_id`,
  );
  return rows.map((r) => Number(r.id));
}

async function announce(login: string, unitCode: string, audienceCodes: string[], extra: Partial<PublishInput> = {}) {
  const unit = await unitByCode(db, unitCode);
  const aud = await Promise.all(audienceCodes.map((c) => unitByCode(db, c)));
  return publish(db, await whoOf(login), await actorOf(login), {
    unitId: unit.id,
    documentId: null,
    announcement: { title: `Thông báo thử ${Math.random().toString(36).slice(2, 8)}`, body: 'Đề nghị các đồng chí đảng viên thực hiện nghiêm.\n\nThời gian: tháng 9 năm 2021.' },
    audienceUnitIds: aud.map((u) => u.id),
    audienceRole: 'all',
    requirement: 'read',
    reflection: false,
    dueOn: null,
    excludeExempt: false,
    ...extra,
  });
}

/** The seed Công điện registered in Đảng ủy xã Đông Thọ's incoming register. */
async function seedDirective() {
  const commune = await unitByCode(db, 'TB-DT');
  const [d] = await db.select().from(documents).where(and(eq(documents.unitId, commune.id), sql`${documents.subject} like 'Về tăng cường%'`));
  assert.ok(d, 'the demo registers Công điện 15 in Đông Thọ');
  return d;
}

describe('publishing reaches exactly the subtree', () => {
  test('a cell, and every member attending it — nobody else', async () => {
    const cell = await unitByCode(db, 'TB-DT-1');
    const r = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const reached = (await audienceRecipients(db, r.publication.id)).map((x) => x.personId).sort((a, b) => a - b);
    assert.deepEqual(reached, await attending(cell.id));
    assert.ok(reached.length >= 10);
    // The member of that cell has it; a member of the other cell of the commune and one of another commune do not.
    assert.ok((await listMine(db, await actorOf('0912000301'))).items.some((i) => i.id === r.publication.id));
    const otherCell = await personByPhone(db, '0912000202');
    const otherActor = (await loadActor(db, (await accountByLogin(db, '0912000202')).id))!;
    assert.ok(otherCell && !(await listMine(db, otherActor)).items.some((i) => i.id === r.publication.id));
    assert.ok(!(await listMine(db, await actorOf('0912000303'))).items.some((i) => i.id === r.publication.id));
  });

  test('a member of another commune sees nothing of it and cannot read it, by page or API', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT']);
    const outsider = await loggedIn(t.app, '0912000303');
    assert.equal((await outsider.get(`/reading/${r.publication.id}`)).status, 403);
    assert.equal((await outsider.get(`/api/v1/publications/${r.publication.id}`)).status, 403);
    assert.equal((await outsider.request('POST', `/api/v1/publications/${r.publication.id}/read`, { json: {} })).status, 403);
    assert.equal((await outsider.post(`/reading/${r.publication.id}/read`)).status, 403);
    assert.equal((await outsider.get(`/publications/${r.publication.id}`)).status, 403);
    assert.equal((await outsider.get(`/publications/${r.publication.id}/export.xlsx`)).status, 403);
    assert.equal((await outsider.get('/api/v1/publications/999999')).status, 404);
    const list = await outsider.get('/api/v1/publications?filter=all');
    assert.ok(!list.json<{ publications: { id: number }[] }>().publications.some((p) => p.id === r.publication.id));
    const page = await outsider.get('/reading?filter=all');
    assert.doesNotMatch(page.body, new RegExp(r.publication.title!));
    const ownCell = await unitByCode(db, 'TB-PK-1');
    assert.doesNotMatch((await outsider.get(`/units/${ownCell.id}`)).body, new RegExp(r.publication.title!));
    assert.equal(await count('publication_reads', sql`publication_id = ${r.publication.id}`), 0);
  });

  test('the member reads it, confirms once, and sees it on the home tile and the cell page', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT']);
    const c = await loggedIn(t.app, '0912000301');
    const home = await c.get('/');
    assert.match(text(home.body), /Văn bản mới \d+/);
    const cell = await unitByCode(db, 'TB-DT-1');
    assert.match((await c.get(`/units/${cell.id}`)).body, new RegExp(r.publication.title!));
    const page = await c.get(`/reading/${r.publication.id}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Tôi đã đọc/);
    assert.match(page.body, /read-aloud\.js/);
    const first = await c.post(`/reading/${r.publication.id}/read`);
    assert.equal(first.status, 303);
    assert.match(text((await c.get(`/reading/${r.publication.id}`)).body), /Đồng chí đã xác nhận đọc lúc/);
    await c.post(`/reading/${r.publication.id}/read`);
    const person = await personByPhone(db, '0912000301');
    assert.equal(await count('publication_reads', sql`publication_id = ${r.publication.id} and person_id = ${person.id}`), 1);
    assert.equal(await count('audit_log', sql`action = 'publication.confirm' and entity_id = ${String(r.publication.id)}`), 1);
  });
});

describe('narrowing, exemption, late joiners', () => {
  test('secretaries only: the cells\' secretaries and deputies have it, members do not', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT'], { audienceRole: 'secretaries' });
    const reached = await audienceRecipients(db, r.publication.id);
    const secretaries = await queryRows<{ id: number }>(
      db,
      sql`select a.person_id::int as id from role_assignments ra join accounts a on a.id = ra.account_id join units u on u.id = ra.unit_id
          where ra.revoked_at is null and ra.role in ('cell_secretary', 'cell_deputy') and u.path like ${`${(await unitByCode(db, 'TB-DT')).path}%`} order by 1`,
    );
    assert.equal(secretaries.length, 4);
    assert.deepEqual(reached.map((x) => x.personId).sort((a, b) => a - b), secretaries.map((s) => Number(s.id)));
    const secretary = await loggedIn(t.app, '0912000201');
    assert.equal((await secretary.get(`/reading/${r.publication.id}`)).status, 200);
    const member = await loggedIn(t.app, '0912000301');
    assert.equal((await member.get(`/reading/${r.publication.id}`)).status, 403);
    const commune = await unitByCode(db, 'TB-DT');
    assert.equal((await rollup(db, await loadPubShape(db, r.publication.id), commune)).total.expected, 4);
    // Committee members only: the commune's committee member, not its cells' secretaries.
    const c = await announce('0912000101', 'TB-DT', ['TB-DT'], { audienceRole: 'committee' });
    const committee = await personByPhone(db, '0912000101');
    assert.deepEqual((await audienceRecipients(db, c.publication.id)).map((x) => x.personId), [committee.id]);
    assert.equal((await secretary.get(`/reading/${c.publication.id}`)).status, 403);
  });

  test('exempt members still see it but are left out of the expected counts when the publisher asks', async () => {
    const cell = await unitByCode(db, 'TB-DT-1');
    const everyone = await attending(cell.id);
    const counted = await attending(cell.id, { exempt: false });
    assert.ok(counted.length < everyone.length, 'the demo cell has exempt members');
    const r = await announce('0912000101', 'TB-DT', ['TB-DT-1'], { excludeExempt: true });
    const { total } = await rollup(db, await loadPubShape(db, r.publication.id), cell);
    assert.equal(total.expected, counted.length);
    const plain = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    assert.equal((await rollup(db, await loadPubShape(db, plain.publication.id), cell)).total.expected, everyone.length);
    // Exempt members still receive it.
    assert.equal((await audienceRecipients(db, r.publication.id)).length, everyone.length);
    const boss = await loggedIn(t.app, '0912000101');
    assert.match(text((await boss.get(`/publications/${r.publication.id}?unit=${cell.id}`)).body), /miễn sinh hoạt, không tính/);
  });

  test('a member who joins a cell later sees what was published to it before', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT-2']);
    const newcomer = await personByPhone(db, '0912000304');
    const before = await loggedIn(t.app, '0912000304');
    assert.equal((await before.get(`/reading/${r.publication.id}`)).status, 403);
    const target = await unitByCode(db, 'TB-DT-2');
    await db.transaction((tx) => transferMember(tx, SYSTEM_CONTEXT, newcomer.id, { toUnitId: target.id, temporary: false, effectiveOn: todayIso() }));
    const after = await loggedIn(t.app, '0912000304');
    assert.equal((await after.get(`/reading/${r.publication.id}`)).status, 200);
    assert.ok((await listMine(db, await actorOf('0912000304'))).items.some((i) => i.id === r.publication.id));
    assert.ok((await audienceRecipients(db, r.publication.id)).some((x) => x.personId === newcomer.id));
  });
});

describe('confirmations', () => {
  test('study with a written reflection: required when asked, editable, never twice', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT'], { requirement: 'study', reflection: true, dueOn: tomorrow() });
    const c = await loggedIn(t.app, '0912000301');
    const missing = await c.post(`/reading/${r.publication.id}/study`, { reflection: '' });
    assert.equal(missing.status, 422);
    assert.match(text(missing.body), /Bài thu hoạch cần ít nhất 20 ký tự/);
    const short = await c.post(`/reading/${r.publication.id}/study`, { reflection: 'Ngắn quá' });
    assert.equal(short.status, 422);
    assert.match(short.body, /Ngắn quá/, 'the text typed is kept');
    const ok = await c.post(`/reading/${r.publication.id}/study`, { reflection: 'Tôi sẽ tuyên truyền cho gia đình và hàng xóm thực hiện 5K.' });
    assert.equal(ok.status, 303);
    const person = await personByPhone(db, '0912000301');
    const [row] = await db.select().from(publicationReads).where(and(eq(publicationReads.publicationId, r.publication.id), eq(publicationReads.personId, person.id)));
    assert.ok(row!.readAt && row!.studiedAt && row!.readRecordedBy === null);
    assert.match(row!.reflection!, /5K/);
    await c.post(`/reading/${r.publication.id}/study`, { reflection: 'Tôi sẽ tuyên truyền cho gia đình và hàng xóm thực hiện 5K.' });
    assert.equal(await count('audit_log', sql`action = 'publication.confirm' and entity_id = ${String(r.publication.id)}`), 1);
    // Asking for study on a document that only asks to be read is refused.
    const readOnly = await announce('0912000101', 'TB-DT', ['TB-DT']);
    const refused = await c.request('POST', `/api/v1/publications/${readOnly.publication.id}/study`, { json: { reflection: 'x'.repeat(30) } });
    assert.equal(refused.status, 422);
    assert.match(refused.json<{ error: { message: string } }>().error.message, /không yêu cầu nghiên cứu/);
  });

  test('the API accepts Idempotency-Key: a replay gets the first answer back and writes nothing', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT']);
    const c = await loggedIn(t.app, '0912000301');
    const headers = { 'idempotency-key': `offline-${r.publication.id}-read-1` };
    const a = await c.request('POST', `/api/v1/publications/${r.publication.id}/read`, { json: {}, headers });
    assert.equal(a.status, 200);
    assert.deepEqual(a.json<{ changed: string[] }>().changed, ['read']);
    const b = await c.request('POST', `/api/v1/publications/${r.publication.id}/read`, { json: {}, headers });
    assert.equal(b.status, 200);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.deepEqual(b.json(), a.json());
    // Without a key the unique row still makes a repeat harmless.
    const again = await c.request('POST', `/api/v1/publications/${r.publication.id}/read`, { json: {} });
    assert.deepEqual(again.json<{ changed: string[] }>().changed, []);
    assert.equal(await count('publication_reads', sql`publication_id = ${r.publication.id}`), 1);
    const doc = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const paths = JSON.parse(doc.body).paths as Record<string, Record<string, { summary?: string }>>;
    assert.match(paths['/api/v1/publications/{id}/read']!.post!.summary!, /Idempotency-Key/);
    assert.ok(paths['/api/v1/publications']!.post);
  });

  test('twenty confirmations at once make one row and one audit entry', { skip: onPostgres() ? false : 'PGlite runs one statement at a time: concurrency is only real on PostgreSQL' }, async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT'], { requirement: 'study' });
    const actor = await actorOf('0912000301');
    const who = await whoOf('0912000301');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => confirm(db, who, actor, r.publication.id, 'study')));
    assert.ok(results.every((x) => x.status === 'fulfilled'), JSON.stringify(results.filter((x) => x.status === 'rejected')));
    assert.equal(await count('publication_reads', sql`publication_id = ${r.publication.id}`), 1);
    const entries = await db.select().from(auditLog).where(and(eq(auditLog.action, 'publication.confirm'), eq(auditLog.entityId, String(r.publication.id))));
    const changes = entries.flatMap((e) => (e.after as { changed: string[] }).changed);
    assert.deepEqual(changes.sort(), ['read', 'study']);
  });

  test('bookmarks and notes are the member\'s own', async () => {
    const r = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const a = await loggedIn(t.app, '0912000301');
    await a.post(`/reading/${r.publication.id}/bookmark`, { bookmarked: '1' });
    await a.post(`/reading/${r.publication.id}/note`, { note: 'Nhắc vợ đọc cùng vào tối thứ bảy' });
    const mine = await a.get(`/reading/${r.publication.id}`);
    assert.match(mine.body, /Nhắc vợ đọc cùng/);
    assert.match((await a.get('/reading?filter=saved')).body, new RegExp(r.publication.title!));
    const b = await loggedIn(t.app, '0912000201');
    const theirs = await b.get(`/reading/${r.publication.id}`);
    assert.equal(theirs.status, 200);
    assert.doesNotMatch(theirs.body, /Nhắc vợ đọc cùng/);
    assert.doesNotMatch((await b.get('/reading?filter=saved')).body, new RegExp(r.publication.title!));
    const entries = await db.select().from(auditLog).where(and(eq(auditLog.action, 'publication.mark'), eq(auditLog.entityId, String(r.publication.id))));
    assert.equal(entries.length, 2);
    assert.doesNotMatch(JSON.stringify(entries), /Nhắc vợ/, 'the audit log records the act, not the note');
  });
});

describe('disseminated in person', () => {
  test('a secretary records members without a phone, marked and audited on their behalf', async () => {
    const cell = await unitByCode(db, 'TB-DT-1');
    const r = await announce('0912000101', 'TB-DT', ['TB-DT'], { requirement: 'study' });
    const noPhone = await queryRows<{ id: number }>(db, sql`select m.person_id::int as id from members m join people p on p.id = m.person_id where m.unit_id = ${cell.id} and p.phone_kind = 'none' and m.status = 'active' order by 1`);
    assert.ok(noPhone.length >= 1);
    const ids = noPhone.map((x) => Number(x.id));
    const secretary = await loggedIn(t.app, '0912000201');
    const page = await secretary.get(`/publications/${r.publication.id}?unit=${cell.id}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), /Ghi nhận đã phổ biến trực tiếp/);
    const res = await secretary.post(`/publications/${r.publication.id}/in-person`, { cellId: String(cell.id), people: ids.map(String) });
    assert.equal(res.status, 303);
    const secAccount = await accountByLogin(db, '0912000201');
    const rows = await db.select().from(publicationReads).where(and(eq(publicationReads.publicationId, r.publication.id), inArray(publicationReads.personId, ids)));
    assert.equal(rows.length, ids.length);
    for (const row of rows) {
      assert.equal(row.readRecordedBy, secAccount.id);
      assert.equal(row.studyRecordedBy, secAccount.id, 'a study publication is recorded as studied');
    }
    const entries = await db.select().from(auditLog).where(and(eq(auditLog.action, 'publication.record_in_person'), eq(auditLog.entityId, String(r.publication.id))));
    assert.deepEqual(entries.map((e) => e.onBehalfOfPersonId).sort((a, b) => a! - b!), ids);
    assert.ok(entries.every((e) => e.actorAccountId === secAccount.id));
    // The member sees it was recorded for them.
    const state = await db.select().from(publicationReads).where(and(eq(publicationReads.publicationId, r.publication.id), eq(publicationReads.personId, ids[0]!)));
    assert.ok(state[0]!.studiedAt);
  });

  test('a member of another cell cannot be recorded, and nothing is saved', async () => {
    const cell = await unitByCode(db, 'TB-DT-1');
    const r = await announce('0912000101', 'TB-DT', ['TB-DT']);
    const mine = await attending(cell.id);
    const stranger = await personByPhone(db, '0912000202');
    const secretary = await loggedIn(t.app, '0912000201');
    const res = await secretary.post(`/publications/${r.publication.id}/in-person`, { cellId: String(cell.id), people: [String(mine[0]), String(stranger.id)] });
    assert.equal(res.status, 422);
    assert.match(text(res.body), /không sinh hoạt ở chi bộ này/);
    assert.equal(await count('publication_reads', sql`publication_id = ${r.publication.id}`), 0);
    // Nor can a secretary record in another cell.
    const other = await unitByCode(db, 'TB-DT-2');
    const otherMember = (await attending(other.id))[0]!;
    assert.equal((await secretary.post(`/publications/${r.publication.id}/in-person`, { cellId: String(other.id), people: [String(otherMember)] })).status, 403);
    const empty = await secretary.post(`/publications/${r.publication.id}/in-person`, { cellId: String(cell.id) });
    assert.equal(empty.status, 422);
    assert.match(text(empty.body), /Hãy chọn ít nhất một đảng viên/);
  });

  test('the meetings feature records everyone present, skipping those a publication does not reach', async () => {
    const cell = await unitByCode(db, 'TB-DT-1');
    const a = await announce('0912000101', 'TB-DT', ['TB-DT-1']);
    const b = await announce('0912000101', 'TB-DT', ['TB-DT'], { audienceRole: 'secretaries' });
    const present = (await attending(cell.id)).slice(0, 5);
    const secretary = await personByPhone(db, '0912000201');
    const all = [...new Set([...present, secretary.id])];
    const leaders = new Set((await audienceRecipients(db, b.publication.id)).map((x) => x.personId));
    const presentLeaders = all.filter((id) => leaders.has(id));
    assert.ok(presentLeaders.length >= 1 && presentLeaders.length < all.length);
    const out = await recordDisseminatedAtMeeting(db, await whoOf('0912000201'), { cellId: cell.id, personIds: all, publicationIds: [a.publication.id, b.publication.id] });
    assert.deepEqual(out, [
      { publicationId: a.publication.id, recorded: all.length },
      { publicationId: b.publication.id, recorded: presentLeaders.length },
    ]);
    assert.deepEqual((await db.select().from(publicationReads).where(eq(publicationReads.publicationId, b.publication.id))).map((r) => r.personId).sort((x, y) => x - y), presentLeaders.sort((x, y) => x - y));
  });
});

describe('what may be published, and bad input', () => {
  test('a classified document is refused, and nothing is saved', async () => {
    const commune = await unitByCode(db, 'TB-DT');
    const v = validateDocument({ direction: 'incoming', number: '77-CV/TU', kind: 'cong_van', issuer: 'Tỉnh ủy Thái Bình', date: '01/09/2021', subject: 'Về công tác bảo vệ chính trị nội bộ', text: 'Nội dung mật', entryDate: '02/09/2021', secrecy: 'mat' }, 'vi', '2021-12-31');
    assert.ok(v.ok, JSON.stringify(!v.ok && v.errors));
    const secret = await registerDocument(db, SYSTEM_CONTEXT, { unitId: commune.id, input: v.value });
    const before = await count('publications');
    const c = await loggedIn(t.app, '0912000102'); // the commune's office clerk reads classified documents of its unit
    const api = await c.request('POST', '/api/v1/publications', { json: { unitId: commune.id, documentId: secret.document.id, audienceUnitIds: [commune.id], requirement: 'read' } });
    assert.equal(api.status, 403);
    assert.equal(api.json<{ error: { code: string; message: string } }>().error.code, 'classified');
    assert.match(api.json<{ error: { message: string } }>().error.message, /mật/i);
    const form = await c.post(`/publications/new/${commune.id}`, { what: 'document', document: String(secret.document.id), audience: String(commune.id), audienceRole: 'all', requirement: 'read' });
    assert.equal(form.status, 403);
    assert.match(text(form.body), /mật/i);
    assert.equal(await count('publications'), before);
    // The publish form does not even offer it.
    assert.doesNotMatch((await c.get(`/publications/new/${commune.id}`)).body, /bảo vệ chính trị nội bộ/);
  });

  test('an empty audience, a past due date, a unit outside the tree: refused with their messages, nothing saved', async () => {
    const commune = await unitByCode(db, 'TB-DT');
    const otherCommune = await unitByCode(db, 'TB-PK');
    const before = await count('publications');
    const c = await loggedIn(t.app, '0912000101');
    const base = { what: 'announcement', title: 'Lịch sinh hoạt', body: 'Sinh hoạt chi bộ vào ngày 3 hằng tháng.', audienceRole: 'all', requirement: 'read' };
    const empty = await c.post(`/publications/new/${commune.id}`, base);
    assert.equal(empty.status, 422);
    assert.match(text(empty.body), /Hãy chọn ít nhất một đơn vị nhận/);
    const past = await c.post(`/publications/new/${commune.id}`, { ...base, audience: String(commune.id), dueOn: '01/01/2020' });
    assert.equal(past.status, 422);
    assert.match(text(past.body), /Hạn hoàn thành không được ở trong quá khứ/);
    assert.match(past.body, /Lịch sinh hoạt/, 'what was typed is kept');
    const outside = await c.post(`/publications/new/${commune.id}`, { ...base, otherUnits: String(otherCommune.id) });
    assert.equal(outside.status, 422);
    assert.match(text(outside.body), /Đảng ủy phường Phú Khánh không thuộc phạm vi của Đảng ủy xã Đông Thọ/);
    const bad = await c.post(`/publications/new/${commune.id}`, { ...base, audience: String(commune.id), dueOn: '31/02/2030' });
    assert.match(text(bad.body), /Ngày không hợp lệ/);
    const nothing = await c.post(`/publications/new/${commune.id}`, { audience: String(commune.id) });
    assert.match(text(nothing.body), /Hãy chọn phát hành văn bản trong thư viện hay thông báo ngắn/);
    assert.match(text(nothing.body), /Hãy chọn yêu cầu đối với đảng viên/);
    // The same through the API.
    const api = await c.request('POST', '/api/v1/publications', { json: { unitId: commune.id, announcement: { title: 'X', body: 'Y' }, audienceUnitIds: [], requirement: 'read' } });
    assert.equal(api.status, 422);
    assert.match(api.json<{ error: { message: string } }>().error.message, /ít nhất một đơn vị/);
    const apiOut = await c.request('POST', '/api/v1/publications', { json: { unitId: commune.id, announcement: { title: 'X', body: 'Y' }, audienceUnitIds: [otherCommune.id], requirement: 'read' } });
    assert.equal(apiOut.status, 422);
    // Publishing for a unit one holds no role in is refused outright.
    assert.equal((await c.request('POST', '/api/v1/publications', { json: { unitId: otherCommune.id, announcement: { title: 'X', body: 'Y' }, audienceUnitIds: [otherCommune.id], requirement: 'read' } })).status, 403);
    assert.equal((await c.get(`/publications/new/${otherCommune.id}`)).status, 403);
    // A plain member cannot publish at all.
    const member = await loggedIn(t.app, '0912000301');
    assert.equal((await member.get('/publications/new')).status, 403);
    assert.equal(await count('publications'), before);
  });

  test('the domain refuses the same, with the field named', async () => {
    const commune = await unitByCode(db, 'TB-DT');
    await assert.rejects(announce('0912000101', 'TB-DT', [], {}), (e: unknown) => e instanceof DomainError && e.details?.field === 'audience');
    await assert.rejects(announce('0912000101', 'TB-DT', ['TB-DT'], { dueOn: '2020-01-01' }), (e: unknown) => e instanceof DomainError && e.details?.field === 'dueOn');
    await assert.rejects(announce('0912000101', 'TB-DT', ['TB-DT'], { reflection: true, requirement: 'read' }), (e: unknown) => e instanceof DomainError && e.details?.field === 'reflection');
    await assert.rejects(announce('0912000301', 'TB-DT', ['TB-DT']), (e: unknown) => e instanceof DomainError && e.code === 'forbidden');
    assert.ok(commune);
  });
});

describe('who has read what', () => {
  test('rates per unit on the demo data: a commune\'s cells, then a cell\'s names', async () => {
    const commune = await unitByCode(db, 'TB-DT');
    const cell1 = await unitByCode(db, 'TB-DT-1');
    const cell2 = await unitByCode(db, 'TB-DT-2');
    const directive = await seedDirective();
    const boss = await loggedIn(t.app, '0912000101');
    const res = await boss.post(`/publications/new/${commune.id}`, { what: 'document', document: String(directive.id), audience: [String(cell1.id), String(cell2.id)], audienceRole: 'all', requirement: 'read' });
    assert.equal(res.status, 303, text(res.body).slice(0, 400));
    const pubId = Number(String(res.headers.location).split('/').pop());
    // Three members of the first cell read it, one of the second.
    const readers1 = (await attending(cell1.id)).slice(0, 3);
    const readers2 = (await attending(cell2.id)).slice(0, 1);
    for (const [cellId, personId] of [...readers1.map((p) => [cell1.id, p]), ...readers2.map((p) => [cell2.id, p])] as [number, number][]) {
      const [acc] = await queryRows<{ id: number }>(db, sql`select id from accounts where person_id = ${personId}`);
      const actor = acc ? await loadActor(db, Number(acc.id)) : null;
      if (actor) await confirm(db, { accountId: actor.accountId }, actor, pubId, 'read');
      else await recordInPerson(db, await whoOf('0912000101'), { publicationId: pubId, cellId, personIds: [personId] });
    }
    const pub = await loadPubShape(db, pubId);
    const { total, rows } = await rollup(db, pub, commune);
    const n1 = (await attending(cell1.id)).length;
    const n2 = (await attending(cell2.id)).length;
    assert.equal(total.expected, n1 + n2);
    assert.equal(total.read, 4);
    assert.deepEqual(
      rows.map((r) => [r.unitId, r.expected, r.read]),
      [
        [cell1.id, n1, 3],
        [cell2.id, n2, 1],
      ],
    );
    const page = await boss.get(`/publications/${pubId}`);
    assert.equal(page.status, 200);
    assert.match(text(page.body), new RegExp(`Chi bộ thôn Đông Thọ ${n1} 3 \\(${Math.round((3000 / n1)) / 10}%\\)`));
    // Drill down to the second cell: the names of those who have not read.
    const cellPage = await boss.get(`/publications/${pubId}?unit=${cell2.id}`);
    const notRead = await queryRows<{ name: string }>(db, sql`select p.full_name as name from members m join people p on p.id = m.person_id where coalesce(m.temporary_unit_id, m.unit_id) = ${cell2.id} and m.status in ('active','temporarily_transferred') and m.person_id <> ${readers2[0]!}`);
    for (const r of notRead) assert.ok(text(cellPage.body).includes(r.name), `${r.name} is listed as not having read`);
    // A secretary follows only their own cell.
    const secretary = await loggedIn(t.app, '0912000201');
    assert.equal((await secretary.get(`/publications/${pubId}`)).status, 200);
    assert.equal((await secretary.get(`/publications/${pubId}?unit=${cell2.id}`)).status, 403);
    const api = await secretary.get(`/api/v1/publications/${pubId}/rates`);
    const body = api.json<{ unit: { id: number }; total: { expected: number; read: number }; notDone: unknown[] }>();
    assert.equal(body.unit.id, cell1.id);
    assert.deepEqual([body.total.expected, body.total.read, body.notDone.length], [n1, 3, n1 - 3]);
  });

  test('the .xlsx export: rates per unit and the names of those who have not read', async () => {
    const commune = await unitByCode(db, 'TB-DT');
    const cell1 = await unitByCode(db, 'TB-DT-1');
    const r = await announce('0912000101', 'TB-DT', ['TB-DT']);
    const reader = await actorOf('0912000301');
    await confirm(db, { accountId: reader.accountId }, reader, r.publication.id, 'read');
    const boss = await loggedIn(t.app, '0912000101');
    const res = await t.app.inject({ method: 'GET', url: `/publications/${r.publication.id}/export.xlsx`, headers: { cookie: [...boss.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /spreadsheetml/);
    const ratesSheet = await readXlsx(res.rawPayload, { sheet: 'Tỉ lệ theo đơn vị' });
    const notRead = await readXlsx(res.rawPayload, { sheet: 'Chưa đọc' });
    const rates = ratesSheet.rows.map((row) => row.cells);
    assert.equal(rates[0]![0], 'Đơn vị');
    const total = rates.find((row) => row[0] === commune.name)!;
    const n = (await attending(cell1.id)).length + (await attending((await unitByCode(db, 'TB-DT-2')).id)).length;
    assert.equal(total[3], n);
    assert.equal(total[4], 1);
    const missing = notRead.rows.slice(1).map((row) => String(row.cells[0]));
    assert.equal(missing.length, n - 1);
    assert.ok(!missing.includes(reader.fullName));
  });
});

describe('publishing is O(audience units), not O(members)', () => {
  test('publishing writes one publication, one row per audience unit and one audit entry, whatever the members below', async () => {
    const tables = (await queryRows<{ name: string }>(db, sql`select relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind = 'r' order by 1`)).map((r) => r.name);
    const snapshot = async () => Object.fromEntries(await Promise.all(tables.map(async (name) => [name, await count(name)] as const)));
    const delta = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).filter((k) => b[k] !== a[k]).map((k) => [k, b[k]! - a[k]!]));
    const cell = await unitByCode(db, 'TB-DT-1');
    const provinceMembers = Number((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from members`))[0]!.n);
    const cellMembers = (await attending(cell.id)).length;
    assert.ok(provinceMembers > 5 * cellMembers);
    const s0 = await snapshot();
    await announce('bantochuc', 'TB', ['TB-DT-1']);
    const s1 = await snapshot();
    await announce('bantochuc', 'TB', ['TB']);
    const s2 = await snapshot();
    const small = delta(s0, s1);
    const whole = delta(s1, s2);
    // The notice to the audience is one event and one fan-out job (src/core/notify), with its own audit entry.
    assert.deepEqual(small, { publications: 1, publication_audience: 1, audit_log: 2, notification_events: 1, jobs: 1 });
    assert.deepEqual(whole, small, `a cell of ${cellMembers} members and the province of ${provinceMembers} cost the same rows`);
  });
});
