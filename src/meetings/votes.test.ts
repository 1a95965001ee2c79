// Quick opinions and votes on a real database: named and secret, one answer per member and
// question (a database constraint, proven under concurrency on PostgreSQL), answers recorded on
// behalf of members without a phone, the quorum verdict, bad input refused clearly, and the proof
// that nothing stored anywhere — in any table, the audit log and the job and notification tables
// included, system columns too — links a secret choice to the member who made it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { loggedIn, testApp, text, type Client, type TestApp } from '../../test/kit/app.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { queryRows, type Db } from '../core/db/client.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { accounts } from '../core/auth/schema.ts';
import { members, people } from '../people/schema.ts';
import { createMeeting, getRoster, markUnrecordedPresent, setStatus } from './meetings.ts';
import { meetingAnswers, meetingBallots, meetingSecretChoices, meetingQuestions } from './schema.ts';
import { answerQuestion, closeQuestion, createQuestion, openQuestion, type QuestionInput } from './votes.ts';

let t: TestApp;
before(async () => {
  t = await testApp({ demo: true });
});
after(() => t.close());

const onPostgres = !!process.env.DATABASE_URL;
const tomorrow = () => new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);

/** A meeting under way in a cell, everyone (not exempt) marked present. */
async function liveMeeting(db: Db, code: string) {
  const cell = await unitByCode(db, code);
  const meeting = await db.transaction((tx) => createMeeting(tx, SYSTEM_CONTEXT, cell, { kind: 'extraordinary', date: tomorrow(), time: '19:30', durationMinutes: 90, location: null, onlineUrl: null, topic: null, title: null }));
  await db.transaction((tx) => setStatus(tx, SYSTEM_CONTEXT, meeting.id, 'in_progress'));
  await db.transaction((tx) => markUnrecordedPresent(tx, SYSTEM_CONTEXT, meeting.id));
  return { cell, meeting };
}

async function question(db: Db, meetingId: number, input: Partial<QuestionInput> & Pick<QuestionInput, 'kind'>) {
  const q = await db.transaction((tx) => createQuestion(tx, SYSTEM_CONTEXT, meetingId, { prompt: 'Tán thành nghị quyết tháng?', options: [], ratingMax: null, secret: false, resolution: false, ...input }));
  await db.transaction((tx) => openQuestion(tx, SYSTEM_CONTEXT, q.id));
  return q;
}

/** Members of the cell who can log in with their own phone number (no shared phone), present at the meeting. */
async function phoneMembers(db: Db, meetingId: number, cellId: number) {
  const roster = await getRoster(db, meetingId);
  const rows = await db
    .select({ personId: people.id, phone: people.phone, standing: members.standing })
    .from(people)
    .innerJoin(members, eq(members.personId, people.id))
    .innerJoin(accounts, eq(accounts.personId, people.id))
    .where(and(eq(members.unitId, cellId), isNotNull(people.phone), eq(people.phoneKind, 'smartphone')));
  const present = new Set(roster.filter((r) => r.attendance === 'present').map((r) => r.personId));
  return rows.filter((r) => present.has(r.personId) && r.phone && !r.phone.startsWith('0913'));
}

async function answerAs(c: Client, meetingId: number, qid: number, form: Record<string, string | string[]>) {
  await c.get(`/meetings/${meetingId}`);
  return c.post(`/meetings/${meetingId}/questions/${qid}/answer`, form);
}

describe('named questions', () => {
  test('members answer from their phones; a second answer, an answer after closing and a vote by a probationary member are refused clearly', async () => {
    const db = t.database.db;
    const { cell, meeting } = await liveMeeting(db, 'TB-DT-1');
    const q = await question(db, meeting.id, { kind: 'agree', resolution: true, prompt: 'Thông qua nghị quyết tháng 10' });
    const member = await loggedIn(t.app, '0912000301');
    const first = await answerAs(member, meeting.id, q.id, { choice: 'agree' });
    assert.equal(first.status, 303);
    const page = text((await member.get(`/meetings/${meeting.id}`)).body);
    assert.ok(page.includes('Đã ghi nhận ý kiến của đồng chí.'));
    assert.ok(page.includes('Đồng chí đã trả lời. Tán thành'));
    const again = await answerAs(member, meeting.id, q.id, { choice: 'disagree' });
    assert.equal(again.status, 303);
    assert.ok(text((await member.get(`/meetings/${meeting.id}`)).body).includes('Đồng chí đã trả lời câu hỏi này; mỗi người chỉ trả lời một lần.'));
    assert.deepEqual(
      (await db.select().from(meetingAnswers).where(eq(meetingAnswers.questionId, q.id))).map((a) => a.answer),
      [{ choice: 'agree' }],
    );
    // No answer chosen: said so.
    const blank = await answerAs(await loggedIn(t.app, '0912000201'), meeting.id, q.id, {});
    assert.equal(blank.status, 303);
    // A probationary member present may not vote on a resolution.
    const roster = await getRoster(db, meeting.id);
    const probationary = roster.find((r) => r.standing === 'probationary' && r.attendance === 'present');
    if (probationary) {
      await assert.rejects(
        db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: probationary.personId, answer: { choice: 'agree' }, onBehalf: true })),
        (e: Error) => /không có quyền biểu quyết nghị quyết này/.test(e.message),
      );
    }
    const sec = await loggedIn(t.app, '0912000201');
    await sec.get(`/meetings/${meeting.id}`);
    assert.equal((await sec.post(`/meetings/${meeting.id}/questions/${q.id}/close`)).status, 303);
    const lateVoter = await loggedIn(t.app, '0912000101');
    const late = await answerAs(lateVoter, meeting.id, q.id, { choice: 'agree' });
    assert.equal(late.status, 303);
    assert.ok(text((await lateVoter.get(`/meetings/${meeting.id}`)).body).includes('Câu hỏi đã đóng: không nhận thêm ý kiến.'), 'the late voter is told');
    const closedPage = text((await sec.get(`/meetings/${meeting.id}`)).body);
    // The verdict states both numbers.
    const quorumBase = (await queryRows<{ result: { verdict: { base: number; half: number; votesFor: number; passed: boolean } } }>(db, sql`select result from meeting_questions where id = ${q.id}`))[0]!.result.verdict;
    assert.equal(quorumBase.votesFor, 1);
    assert.equal(quorumBase.passed, false);
    assert.ok(closedPage.includes(`Không thông qua: Tán thành 1 phiếu; số đảng viên chính thức được tính ${quorumBase.base}, một nửa là ${quorumBase.half.toLocaleString('vi-VN')}`), closedPage.slice(0, 3000));
    assert.equal(cell.kind, 'cell');
  });

  test('a resolution passes when the votes for exceed half of the counted official members', async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-DT-2');
    const q = await question(db, meeting.id, { kind: 'agree', resolution: true });
    const roster = await getRoster(db, meeting.id);
    const voters = roster.filter((r) => r.standing === 'official' && !r.guest && r.attendance === 'present');
    const exemptAbsent = roster.filter((r) => r.standing === 'official' && !r.guest && r.exempt && r.attendance !== 'present').length;
    const base = roster.filter((r) => r.standing === 'official' && !r.guest).length - exemptAbsent;
    const needed = Math.floor(base / 2) + 1;
    for (const [i, v] of voters.entries()) {
      await db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: v.personId, answer: { choice: i < needed ? 'agree' : 'disagree' }, onBehalf: true }));
    }
    const r = await db.transaction((tx) => closeQuestion(tx, SYSTEM_CONTEXT, q.id));
    assert.equal(r.verdict?.base, base);
    assert.equal(r.verdict?.votesFor, needed);
    assert.equal(r.verdict?.passed, true);
    assert.equal(r.counts?.agree, needed);
  });

  test('single and multiple choice, rating and short text: answers are checked against the question', async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-PK-1');
    const single = await question(db, meeting.id, { kind: 'single', prompt: 'Chọn ngày ra quân dọn vệ sinh', options: ['Thứ Bảy', 'Chủ nhật'] });
    const multi = await question(db, meeting.id, { kind: 'multiple', prompt: 'Việc cần làm', options: ['Đường', 'Cống', 'Đèn'] });
    const rating = await question(db, meeting.id, { kind: 'rating', prompt: 'Chấm điểm buổi sinh hoạt', ratingMax: 5 });
    const textQ = await question(db, meeting.id, { kind: 'text', prompt: 'Ý kiến khác' });
    const c = await loggedIn(t.app, '0912000303');
    for (const [q, bad] of [
      [single, { option: '7' }],
      [multi, { options: ['0', '9'] }],
      [rating, { rating: '6' }],
      [textQ, { text: '   ' }],
    ] as const) {
      await answerAs(c, meeting.id, q.id, bad as Record<string, string | string[]>);
      assert.ok(text((await c.get(`/meetings/${meeting.id}`)).body).includes('Hãy chọn một câu trả lời.'), q.kind);
    }
    assert.equal((await answerAs(c, meeting.id, single.id, { option: '1' })).status, 303);
    assert.equal((await answerAs(c, meeting.id, multi.id, { options: ['2', '0'] })).status, 303);
    assert.equal((await answerAs(c, meeting.id, rating.id, { rating: '4' })).status, 303);
    assert.equal((await answerAs(c, meeting.id, textQ.id, { text: 'Đề nghị lắp thêm đèn đường' })).status, 303);
    const rows = await db.select({ q: meetingAnswers.questionId, a: meetingAnswers.answer }).from(meetingAnswers).where(inArray(meetingAnswers.questionId, [single.id, multi.id, rating.id, textQ.id]));
    assert.deepEqual(new Map(rows.map((r) => [r.q, r.a])), new Map<number, unknown>([[single.id, { option: 1 }], [multi.id, { options: [0, 2] }], [rating.id, { rating: 4 }], [textQ.id, { text: 'Đề nghị lắp thêm đèn đường' }]]));
    const page = text((await c.get(`/meetings/${meeting.id}`)).body);
    assert.ok(page.includes('Điểm trung bình: 4'));
  });
});

describe('on behalf of members without a phone', () => {
  test('the secretary records an answer, marked as recorded on behalf; a member cannot record for another', async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-PK-3');
    const q = await question(db, meeting.id, { kind: 'agree' });
    const roster = await getRoster(db, meeting.id);
    const noPhone = roster.find((r) => r.phoneKind !== 'smartphone' && r.attendance === 'present')!;
    const sec = await loggedIn(t.app, '0912000204');
    const page = await sec.get(`/meetings/${meeting.id}/questions/${q.id}/record`);
    assert.equal(page.status, 200);
    assert.ok(text(page.body).includes(noPhone.fullName));
    assert.equal((await sec.post(`/meetings/${meeting.id}/questions/${q.id}/record`, { personId: String(noPhone.personId), choice: 'agree' })).status, 303);
    const [row] = await db.select().from(meetingAnswers).where(and(eq(meetingAnswers.questionId, q.id), eq(meetingAnswers.personId, noPhone.personId)));
    assert.equal(row!.recordedBy, (await db.select({ id: accounts.id }).from(accounts).innerJoin(people, eq(people.id, accounts.personId)).where(eq(people.phone, '0912000204')))[0]!.id);
    const [entry] = await db.select().from(auditLog).where(and(eq(auditLog.action, 'question.answer'), eq(auditLog.entityId, String(q.id))));
    assert.equal(entry!.onBehalfOfPersonId, noPhone.personId);
    const twice = await sec.post(`/meetings/${meeting.id}/questions/${q.id}/record`, { personId: String(noPhone.personId), choice: 'disagree' });
    assert.equal(twice.status, 409);
    assert.ok(text(twice.body).includes(`Đồng chí ${noPhone.fullName} đã trả lời câu hỏi này`));
    // A plain member: neither the page nor the post; and the member's own answer route ignores any person id sent.
    const member = await loggedIn(t.app, '0912000304');
    assert.equal((await member.get(`/meetings/${meeting.id}/questions/${q.id}/record`)).status, 403);
    assert.equal((await member.post(`/meetings/${meeting.id}/questions/${q.id}/record`, { personId: String(noPhone.personId), choice: 'agree' })).status, 403);
    const other = roster.find((r) => r.attendance === 'present' && r.personId !== noPhone.personId && r.phoneKind === 'smartphone')!;
    await answerAs(member, meeting.id, q.id, { personId: String(other.personId), choice: 'disagree' });
    const mine = await db.select({ personId: meetingAnswers.personId }).from(meetingAnswers).where(eq(meetingAnswers.questionId, q.id));
    const me = (await db.select({ id: people.id }).from(people).where(eq(people.phone, '0912000304')))[0]!.id;
    assert.ok(mine.some((r) => r.personId === me), "the answer is the member's own");
    assert.ok(!mine.some((r) => r.personId === other.personId) || other.personId === me);
    // The commune's committee sees the meeting but records nobody's answer.
    const committee = await loggedIn(t.app, '0912000111');
    assert.equal((await committee.get(`/meetings/${meeting.id}/questions/${q.id}/record`)).status, 403);
  });
});

describe('secret ballots', () => {
  test('while open the room sees only how many voted; the voter is not shown their choice; the counts come at closing', async () => {
    const db = t.database.db;
    const { cell, meeting } = await liveMeeting(db, 'TB-VP-2');
    const q = await question(db, meeting.id, { kind: 'agree', secret: true, prompt: 'Bỏ phiếu kín đề nghị khen thưởng' });
    const voters = await phoneMembers(db, meeting.id, cell.id);
    const c = await loggedIn(t.app, voters[0]!.phone!);
    assert.equal((await answerAs(c, meeting.id, q.id, { choice: 'disagree' })).status, 303);
    const page = text((await c.get(`/meetings/${meeting.id}`)).body);
    assert.ok(page.includes('Đồng chí đã bỏ phiếu kín. Phiếu không gắn với tên đồng chí.'));
    assert.ok(page.includes('Đã bỏ phiếu: 1/'));
    assert.ok(page.includes('Kết quả bỏ phiếu kín được công bố khi đóng câu hỏi.'));
    assert.ok(!/Không tán thành\s+1/.test(page), 'no counts while open');
    await db.transaction((tx) => closeQuestion(tx, SYSTEM_CONTEXT, q.id));
    assert.match(text((await c.get(`/meetings/${meeting.id}`)).body), /Không tán thành\s+1/);
  });

  test('no table, row or system column links a secret choice to the member who made it', async () => {
    const db = t.database.db;
    const { cell, meeting } = await liveMeeting(db, 'TB-VP-1');
    const q = await question(db, meeting.id, { kind: 'text', secret: true, prompt: 'Phiếu kín: nhận xét về đồng chí bí thư' });
    const roster = await getRoster(db, meeting.id);
    const withPhone = await phoneMembers(db, meeting.id, cell.id);
    const byPhone = new Set(withPhone.map((p) => p.personId));
    const secretary = await loggedIn(t.app, '0912000205');
    await secretary.get(`/meetings/${meeting.id}`);
    // Each voter writes a distinct mark; some vote on their phones, the others through the secretary.
    const truth: { personId: number; mark: string }[] = [];
    let n = 0;
    for (const r of roster.filter((x) => x.attendance === 'present')) {
      const mark = `dấu-phiếu-${String((n * 7919) % 1000).padStart(3, '0')}-${n}`;
      n++;
      if (byPhone.has(r.personId)) {
        const c = await loggedIn(t.app, withPhone.find((p) => p.personId === r.personId)!.phone!);
        assert.equal((await answerAs(c, meeting.id, q.id, { text: mark })).status, 303);
      } else {
        assert.equal((await secretary.post(`/meetings/${meeting.id}/questions/${q.id}/record`, { personId: String(r.personId), text: mark })).status, 303);
      }
      truth.push({ personId: r.personId, mark });
    }
    assert.ok(truth.length >= 8, `${truth.length} voters`);
    assert.ok(truth.some((x) => byPhone.has(x.personId)) && truth.some((x) => !byPhone.has(x.personId)), 'both ways of voting are covered');

    const tables = (await queryRows<{ name: string }>(db, sql`select table_name::text as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`)).map((r) => r.name);
    assert.ok(tables.includes('audit_log') && tables.includes('jobs') && tables.includes('meeting_ballots') && tables.includes('meeting_secret_choices'));
    const readAll = async () => {
      const out = new Map<string, Record<string, unknown>[]>();
      for (const name of tables) out.set(name, await queryRows<Record<string, unknown>>(db, sql.raw(`select xmin::text as "__xmin", ctid::text as "__ctid", t.* from "${name}" t`)));
      return out;
    };
    const ctidKey = (c: unknown) => String(c).replace(/[()]/g, '').split(',').map(Number) as [number, number];
    const byCtid = (a: Record<string, unknown>, b: Record<string, unknown>) => {
      const [pa, ia] = ctidKey(a.__ctid);
      const [pb, ib] = ctidKey(b.__ctid);
      return pa - pb || ia - ib;
    };

    const check = async (phase: 'open' | 'closed') => {
      const everything = await readAll();
      const choices = everything.get('meeting_secret_choices')!.filter((r) => Number(r.question_id) === q.id);
      assert.equal(choices.length, truth.length, `${phase}: one choice per voter`);
      // 1. The choices carry no member, no account, no time, no serial number.
      const cols = await queryRows<{ name: string; type: string; def: string | null }>(db, sql`select column_name::text as name, data_type::text as type, column_default::text as def from information_schema.columns where table_schema = 'public' and table_name = 'meeting_secret_choices' order by ordinal_position`);
      assert.deepEqual(cols.map((c) => c.name), ['key', 'question_id', 'answer']);
      assert.ok(cols.every((c) => c.def == null && !/time|date/.test(c.type)), 'no defaults, no timestamps, no sequence');
      const ballotCols = await queryRows<{ name: string; type: string }>(db, sql`select column_name::text as name, data_type::text as type from information_schema.columns where table_schema = 'public' and table_name = 'meeting_ballots'`);
      assert.ok(ballotCols.every((c) => !/time|date/.test(c.type)), 'participation carries no time either');
      // 2. A choice's words are stored in no other table: not the audit log, the job queue, notifications, anything —
      // except the question's own result once it closes: a count and the texts in alphabetical order, no member.
      const frozen = everything.get('meeting_questions')!.find((r) => Number(r.id) === q.id)!;
      if (phase === 'closed') {
        const texts = (frozen.result as { texts: string[] }).texts;
        assert.deepEqual(texts, [...truth.map((x) => x.mark)].sort((a, b) => a.localeCompare(b, 'vi')), 'the result lists the texts sorted, not in the order of voting');
      } else assert.equal(frozen.result, null);
      for (const [name, rows] of everything) {
        if (name === 'meeting_secret_choices') continue;
        if (name === 'meeting_questions') {
          const others = rows.filter((r) => Number(r.id) !== q.id);
          for (const x of truth) assert.ok(!JSON.stringify(others).includes(x.mark) && !JSON.stringify({ ...frozen, result: null }).includes(x.mark), `${phase}: ${name} holds a choice`);
          continue;
        }
        const blob = JSON.stringify(rows);
        for (const x of truth) assert.ok(!blob.includes(x.mark), `${phase}: ${name} holds a choice`);
      }
      // 3. The random keys appear nowhere else, and are random (UUID version 4).
      for (const c of choices) {
        assert.match(String(c.key), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        for (const [name, rows] of everything) if (name !== 'meeting_secret_choices') assert.ok(!JSON.stringify(rows).includes(String(c.key)), `${phase}: ${name} holds a choice key`);
      }
      // 4. System columns: every choice of the question was written by the same transaction …
      const xmins = new Set(choices.map((c) => String(c.__xmin)));
      assert.equal(xmins.size, 1, `${phase}: the choices share one transaction id`);
      // … and their physical order is the order of their random keys, not the order of voting.
      const physical = [...choices].sort(byCtid).map((c) => String(c.key));
      const byKey = [...choices].map((c) => String(c.key)).sort();
      assert.deepEqual(physical, byKey, `${phase}: physical order is key order`);
      const voteOrder = truth.map((x) => x.mark);
      assert.notDeepEqual([...choices].sort(byCtid).map((c) => (c.answer as { text: string }).text), voteOrder, `${phase}: physical order is not the order of voting`);
      return { everything, xmin: [...xmins][0]! };
    };

    const open = await check('open');
    // While open the shared transaction id is the last voter's: it tells nothing about the others (all share it).
    const ballots = open.everything.get('meeting_ballots')!.filter((r) => Number(r.question_id) === q.id);
    assert.equal(ballots.length, truth.length);
    assert.ok(ballots.filter((b) => String(b.__xmin) === open.xmin).length <= 1, 'at most the last ballot shares the transaction');

    await secretary.post(`/meetings/${meeting.id}/questions/${q.id}/close`);
    const closed = await check('closed');
    // After closing, the choices' transaction id is the closing one: no ballot, no audit entry of a vote shares it.
    for (const b of closed.everything.get('meeting_ballots')!) assert.notEqual(String(b.__xmin), closed.xmin);
    const voteEntries = closed.everything.get('audit_log')!.filter((r) => r.action === 'question.answer' && r.entity_id === String(q.id));
    assert.equal(voteEntries.length, truth.length, 'the audit log records that each member voted');
    for (const e of voteEntries) {
      assert.notEqual(String(e.__xmin), closed.xmin);
      assert.deepEqual(Object.keys((e.after as object) ?? {}).sort(), ['onBehalf', 'secret'], 'never what');
    }
    // 5. Through the app: the secretary's page lists who voted and the texts, never side by side.
    const page = (await secretary.get(`/meetings/${meeting.id}`)).body;
    const votedList = /<summary>Đã bỏ phiếu<\/summary>([\s\S]*?)<\/details>/.exec(page)?.[1] ?? '';
    assert.ok(votedList.length > 0, 'the list of who voted is there');
    for (const x of truth) assert.ok(!votedList.includes(x.mark), 'the list of voters holds no choice');
    for (const x of truth) assert.ok(page.includes(x.mark), 'the texts are shown (without names)');
    // 6. The ballots say who voted, once each; the choices count the same.
    assert.equal(new Set(ballots.map((b) => Number(b.person_id))).size, truth.length);
  });

  test('one ballot per member: a second secret vote is refused and changes nothing', async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-DT-1');
    const q = await question(db, meeting.id, { kind: 'agree', secret: true });
    const roster = await getRoster(db, meeting.id);
    const who = roster.find((r) => r.attendance === 'present' && r.standing === 'official')!;
    await db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: who.personId, answer: { choice: 'agree' }, onBehalf: true }));
    await assert.rejects(
      db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: who.personId, answer: { choice: 'disagree' }, onBehalf: true })),
      (e: Error) => /đã trả lời câu hỏi này/.test(e.message),
    );
    assert.equal((await db.select().from(meetingBallots).where(eq(meetingBallots.questionId, q.id))).length, 1);
    assert.equal((await db.select().from(meetingSecretChoices).where(eq(meetingSecretChoices.questionId, q.id))).length, 1, 'the refused choice was not kept');
  });
});

describe('the database constraint', () => {
  test('a duplicate answer or ballot inserted directly is refused by the primary keys', async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-DT-2');
    const named = await question(db, meeting.id, { kind: 'agree' });
    const secret = await question(db, meeting.id, { kind: 'agree', secret: true });
    const p = (await getRoster(db, meeting.id)).find((r) => r.attendance === 'present')!.personId;
    await db.insert(meetingAnswers).values({ questionId: named.id, personId: p, answer: { choice: 'agree' } });
    await assert.rejects(db.insert(meetingAnswers).values({ questionId: named.id, personId: p, answer: { choice: 'agree' } }), (e: { code?: string; cause?: { code?: string } }) => (e.cause?.code ?? e.code) === '23505');
    await db.insert(meetingBallots).values({ questionId: secret.id, personId: p });
    await assert.rejects(db.insert(meetingBallots).values({ questionId: secret.id, personId: p }), (e: { code?: string; cause?: { code?: string } }) => (e.cause?.code ?? e.code) === '23505');
  });

  test('under concurrency, twenty simultaneous submissions by one member leave exactly one answer (named and secret)', { skip: onPostgres ? false : 'PGlite runs one statement at a time: concurrency is proven on PostgreSQL' }, async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-PK-1');
    for (const secret of [false, true]) {
      const q = await question(db, meeting.id, { kind: 'agree', secret });
      const p = (await getRoster(db, meeting.id)).find((r) => r.attendance === 'present')!.personId;
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: p, answer: { choice: i % 2 ? 'agree' : 'disagree' }, onBehalf: true }))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `secret=${secret}`);
      for (const r of results) if (r.status === 'rejected') assert.match((r.reason as Error).message, /đã trả lời câu hỏi này/);
      const table = secret ? meetingBallots : meetingAnswers;
      assert.equal((await db.select().from(table).where(eq(table.questionId, q.id))).length, 1);
      if (secret) assert.equal((await db.select().from(meetingSecretChoices).where(eq(meetingSecretChoices.questionId, q.id))).length, 1);
    }
  });

  test('under concurrency, every member of a cell voting at once is counted once, secret choices matching ballots', { skip: onPostgres ? false : 'PGlite runs one statement at a time: concurrency is proven on PostgreSQL' }, async () => {
    const db = t.database.db;
    const { meeting } = await liveMeeting(db, 'TB-PK-3');
    const q = await question(db, meeting.id, { kind: 'agree', secret: true });
    const present = (await getRoster(db, meeting.id)).filter((r) => r.attendance === 'present');
    await Promise.all(present.map((r, i) => db.transaction((tx) => answerQuestion(tx, SYSTEM_CONTEXT, { questionId: q.id, personId: r.personId, answer: { choice: i % 3 === 0 ? 'disagree' : 'agree' }, onBehalf: true }))));
    const result = await db.transaction((tx) => closeQuestion(tx, SYSTEM_CONTEXT, q.id));
    assert.equal(result.answered, present.length);
    assert.equal((result.counts?.agree ?? 0) + (result.counts?.disagree ?? 0), present.length);
    assert.equal(result.counts?.disagree, present.filter((_, i) => i % 3 === 0).length);
    const [status] = await db.select({ s: meetingQuestions.status }).from(meetingQuestions).where(eq(meetingQuestions.id, q.id));
    assert.equal(status!.s, 'closed');
  });
});
