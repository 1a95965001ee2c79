// Periodic reports on a real database with a fixed clock: the daily COVID-19 report from the
// three demo communes — on time, late, missing — rolled up to the district and the province;
// bad input refused with its message and nothing saved; corrections free until the parent
// locks the period, then only with its approval, kept as versions; trends over periods; averages
// and table rows; the .xlsx export; on PostgreSQL, simultaneous first submissions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { and, eq, sql } from 'drizzle-orm';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { accountByLogin, unitByCode } from '../../test/kit/demo.ts';
import { DomainError } from '../core/errors.ts';
import { readXlsx } from '../core/xlsx/index.ts';
import type { ActingContext } from '../core/audit/audit.ts';
import { COVID_CODE, COVID_TEMPLATE, readTemplate, readValues, type RawField } from './definition.ts';
import { dueDay, firesAfter, isPeriod, periodDeadline, periodOf, periodsBetween } from './periods.ts';
import { createTemplate, lockPeriod, reviewCorrection, submitReport, targetUnits, versionsOf } from './submissions.ts';
import { periodRollup, trend } from './rollup.ts';
import { rollupWorkbook } from './export.ts';
import { reportSubmissions, reportTemplates, type ReportTemplate } from './schema.ts';

let t: TestDatabase;
let covid: ReportTemplate;
const vn = (s: string) => new Date(`${s}+07:00`);
const who = async (login: string): Promise<ActingContext> => ({ accountId: (await accountByLogin(t.db, login)).id });
const unit = (code: string) => unitByCode(t.db, code);

/** A day's figures as a clerk types them. */
const figures = (o: Partial<Record<string, string>> = {}) => ({
  facility_quarantine: '12',
  home_quarantine: '30',
  f1: '3',
  f2: '3',
  tested_24h: '941',
  negative: '941',
  positive: '0',
  awaiting: '0',
  vaccine_doses: '1.250',
  ...o,
});

before(async () => {
  t = await testDatabase({ demo: true });
  const province = await unit('TB');
  const { code: _code, ...def } = COVID_TEMPLATE;
  covid = await createTemplate(t.db, await who('vanthu.tinhuy'), { ...def, weekday: null, monthday: null, startsOn: '2021-09-15', endsOn: null, ownerUnitId: province.id, scopeUnitId: province.id });
});
after(() => t.close());

const count = async () => Number((await t.db.select({ n: sql<number>`count(*)::int` }).from(reportSubmissions).where(eq(reportSubmissions.templateId, covid.id)))[0]!.n);
const submit = async (login: string, code: string, period: string, at: string, raw: Record<string, string> = figures(), note: string | null = null) =>
  submitReport(t.db, await who(login), { templateId: covid.id, unitId: (await unit(code)).id, period, raw, note }, { now: vn(at) });

test('the demo ships the daily COVID-19 report with a week of the communes’ submissions', async () => {
  const [demo] = await t.db.select().from(reportTemplates).where(eq(reportTemplates.code, COVID_CODE));
  assert.ok(demo);
  assert.deepEqual(
    demo.fields.map((f) => f.key),
    ['facility_quarantine', 'home_quarantine', 'f1', 'f2', 'tested_24h', 'negative', 'positive', 'awaiting', 'vaccine_doses', 'notes'],
  );
  assert.equal(demo.deadlineTime, '15:00');
  const rows = await t.db.select().from(reportSubmissions).where(eq(reportSubmissions.templateId, demo.id));
  assert.equal(rows.length, 20, '7 days × 3 communes, one missed');
  assert.equal(rows.filter((r) => r.submittedAt > r.dueAt).length, 1, 'one late');
  for (const r of rows) assert.equal(readValues(demo.fields, demo.rules, Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, v == null ? '' : String(v)])), 'vi').ok, true, 'the demo figures pass their own checks');
});

describe('schedules', () => {
  test('periods and their deadlines in Asia/Ho_Chi_Minh', () => {
    assert.equal(periodDeadline(covid, '2021-09-23').toISOString(), '2021-09-23T08:00:00.000Z');
    const weekly = { ...covid, scheduleKind: 'weekly' as const, weekday: 5, deadlineTime: '16:00' };
    assert.equal(periodOf(weekly, '2021-09-23'), '2021-09-20');
    assert.equal(dueDay(weekly, '2021-09-20'), '2021-09-24');
    const monthly = { ...covid, scheduleKind: 'monthly' as const, monthday: 31 };
    assert.equal(dueDay(monthly, '2021-09-01'), '2021-09-30');
    assert.deepEqual(periodsBetween(covid, '2021-09-10', '2021-09-17'), ['2021-09-15', '2021-09-16', '2021-09-17']);
    assert.equal(isPeriod(covid, '2021-09-14'), false, 'before the first day');
    assert.equal(isPeriod(weekly, '2021-09-21'), false, 'a week starts on Monday');
  });

  test('a schedule that never fires, or ends before it starts, is refused with its message', () => {
    const now = vn('2021-09-23T10:00:00');
    const base = { name: 'Báo cáo tuần', description: '', scheduleKind: 'weekly', deadlineTime: '16:00', weekday: '1', monthday: '', startsOn: '21/09/2021', endsOn: '26/09/2021', kinds: ['party_grassroots'], rules: '', fields: [{ label: 'Số buổi', type: 'integer', required: true, nonNegative: true, aggregate: 'sum', unit: 'buổi', options: '' }] as RawField[] };
    const never = readTemplate(base, 'vi', now);
    assert.equal(never.ok, false);
    assert.match(!never.ok ? never.errors.endsOn! : '', /Lịch nộp này không bao giờ đến hạn/);
    const reversed = readTemplate({ ...base, startsOn: '30/09/2021' }, 'vi', now);
    assert.equal(!reversed.ok && reversed.errors.endsOn, 'Ngày kết thúc không thể trước ngày bắt đầu.');
    const once = readTemplate({ ...base, scheduleKind: 'once', startsOn: '22/09/2021', endsOn: '' }, 'vi', now);
    assert.match(!once.ok ? once.errors.startsOn! : '', /không bao giờ đến hạn/);
    const ok = readTemplate({ ...base, weekday: '5', endsOn: '' }, 'vi', now);
    assert.equal(ok.ok, true);
    assert.equal(firesAfter({ scheduleKind: 'daily', deadlineTime: '15:00', weekday: null, monthday: null, startsOn: '2021-09-01', endsOn: '2021-09-23' }, vn('2021-09-23T16:00:00')), false);
    const badRule = readTemplate({ ...base, weekday: '5', endsOn: '', rules: 'Số buổi <= Số người' }, 'vi', now);
    assert.equal(!badRule.ok && badRule.errors.rules, 'Ràng buộc nhắc tới “Số người”, không phải tên một chỉ tiêu số của báo cáo này.');
  });
});

describe('values', () => {
  test('numbers the Vietnamese way; negative numbers, fractions and broken rules refused with the fields named', () => {
    const ok = readValues(covid.fields, covid.rules, figures({ notes: 'Bình thường' }), 'vi');
    assert.equal(ok.ok, true);
    assert.equal(ok.ok && ok.values.vaccine_doses, 1250);
    const bad = readValues(covid.fields, covid.rules, figures({ f1: '-2', f2: '2,5', home_quarantine: '' }), 'vi');
    assert.equal(bad.ok, false);
    assert.deepEqual(!bad.ok && bad.errors, { home_quarantine: 'Hãy nhập chỉ tiêu này.', f1: 'Số này không được âm.', f2: 'Hãy nhập một số nguyên, ví dụ 12 hoặc 1.081.' });
    const rule = readValues(covid.fields, covid.rules, figures({ negative: '940', positive: '10' }), 'vi');
    assert.deepEqual(!rule.ok && rule.errors, { negative: 'Âm tính + Dương tính (950) không được lớn hơn Mẫu xét nghiệm trong 24 giờ (941).' });
  });
});

describe('the daily report of 23 September', () => {
  test('refused, with nothing saved: another unit’s kind, a future day, a day before the first, wrong figures', async () => {
    const before = await count();
    const refuse = async (p: Promise<unknown>, message: RegExp) => assert.rejects(p, (e: unknown) => e instanceof DomainError && message.test(e.message));
    await refuse(submit('vanthu.thanhuy', 'TB-TP', '2021-09-23', '2021-09-23T10:00:00'), /không thuộc diện phải nộp/);
    await refuse(submit('0912000102', 'TB-DT', '2021-09-24', '2021-09-23T10:00:00'), /Chưa đến kỳ báo cáo này/);
    await refuse(submit('0912000102', 'TB-DT', '2021-09-01', '2021-09-23T10:00:00'), /Kỳ báo cáo không hợp lệ/);
    await refuse(submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T10:00:00', figures({ positive: '-1' })), /không được âm/);
    assert.equal(await count(), before);
  });

  test('two communes before 15:00, one late, one missing: the district and the province see the totals and who is late', async () => {
    assert.equal((await submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T14:30:00')).late, false);
    assert.equal((await submit('0912000112', 'TB-PK', '2021-09-23', '2021-09-23T15:40:00', figures({ tested_24h: '100', negative: '95', awaiting: '5', vaccine_doses: '800' }))).late, true);
    const province = await unit('TB');
    const before = await periodRollup(t.db, covid, province, '2021-09-23', vn('2021-09-23T14:00:00'));
    assert.equal(before.due, false);
    assert.deepEqual(before.missing, [], 'nobody is missing before the deadline');
    const r = await periodRollup(t.db, covid, province, '2021-09-23', vn('2021-09-23T16:00:00'));
    assert.equal(r.expected, 3);
    assert.equal(r.totals.tested_24h, 1041);
    assert.equal(r.totals.vaccine_doses, 2050);
    assert.deepEqual(
      r.late.map((l) => l.unit.name),
      ['Đảng ủy phường Phú Khánh'],
    );
    assert.deepEqual(
      r.missing.map((l) => l.unit.name),
      ['Đảng ủy xã Vũ Phúc'],
    );
    assert.deepEqual(
      r.byChild.map((c) => [c.unit.name, c.submitted, c.expected, c.totals.tested_24h]),
      [['Thành ủy Thái Bình', 2, 3, 1041]],
    );
    const district = await periodRollup(t.db, covid, await unit('TB-TP'), '2021-09-23', vn('2021-09-23T16:00:00'));
    assert.deepEqual(
      district.byChild.map((c) => c.unit.name).sort(),
      ['Đảng ủy phường Phú Khánh', 'Đảng ủy xã Vũ Phúc', 'Đảng ủy xã Đông Thọ'].sort(),
    );
    assert.equal(district.totals.negative, 1036);
  });

  test('corrections are free until the district locks the day; then only with its approval, kept as versions', async () => {
    const dt = await unit('TB-DT');
    // Before the lock: a correction replaces the figures; the late mark stays with the first submission.
    const fixed = await submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T16:30:00', figures({ vaccine_doses: '1.300' }));
    assert.equal(fixed.kind, 'corrected');
    assert.equal(fixed.late, false);
    await assert.rejects(submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T16:31:00', figures({ vaccine_doses: '1.300' })), /không thay đổi/);
    // A commune has nothing below it to lock; a future day cannot be locked.
    await assert.rejects(lockPeriod(t.db, await who('0912000101'), { templateId: covid.id, unitId: dt.id, period: '2021-09-23' }, { now: vn('2021-09-23T17:00:00') }), /không có đơn vị cấp dưới/);
    await assert.rejects(lockPeriod(t.db, await who('vanthu.thanhuy'), { templateId: covid.id, unitId: (await unit('TB-TP')).id, period: '2021-09-24' }, { now: vn('2021-09-23T17:00:00') }), /chưa khóa được/);
    await lockPeriod(t.db, await who('vanthu.thanhuy'), { templateId: covid.id, unitId: (await unit('TB-TP')).id, period: '2021-09-23' }, { now: vn('2021-09-23T17:00:00') });
    await assert.rejects(lockPeriod(t.db, await who('vanthu.thanhuy'), { templateId: covid.id, unitId: (await unit('TB-TP')).id, period: '2021-09-23' }, { now: vn('2021-09-23T17:05:00') }), /đã khóa từ trước/);
    // Vũ Phúc can no longer submit that day; Đông Thọ needs a reason, and then the district's approval.
    await assert.rejects(submit('0912000122', 'TB-VP', '2021-09-23', '2021-09-23T18:00:00'), /đã khóa: không nộp được nữa/);
    await assert.rejects(submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T18:00:00', figures({ vaccine_doses: '1.310' })), /hãy nêu lý do/);
    const pending = await submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T18:00:00', figures({ vaccine_doses: '1.310' }), 'Trạm y tế bổ sung 10 mũi');
    assert.equal(pending.kind, 'pending');
    await assert.rejects(submit('0912000102', 'TB-DT', '2021-09-23', '2021-09-23T18:05:00', figures({ vaccine_doses: '1.320' }), 'Lại bổ sung'), /đang chờ duyệt/);
    const province = await unit('TB');
    const waiting = await periodRollup(t.db, covid, province, '2021-09-23', vn('2021-09-23T19:00:00'));
    assert.equal(waiting.totals.vaccine_doses, 2100, 'the pending figures do not count yet');
    await reviewCorrection(t.db, await who('vanthu.thanhuy'), pending.submission.id, true, { now: vn('2021-09-23T19:00:00') });
    await assert.rejects(reviewCorrection(t.db, await who('vanthu.thanhuy'), pending.submission.id, false, { now: vn('2021-09-23T19:01:00') }), /đã được xử lý/);
    const after = await periodRollup(t.db, covid, province, '2021-09-23', vn('2021-09-23T19:00:00'));
    assert.equal(after.totals.vaccine_doses, 2110);
    const versions = await versionsOf(t.db, covid.id, dt.id, '2021-09-23');
    assert.deepEqual(
      versions.map((v) => [v.version, v.status]),
      [
        [3, 'current'],
        [2, 'superseded'],
        [1, 'superseded'],
      ],
    );
    // A rejected correction leaves the figures as they were.
    const pk = await submit('0912000112', 'TB-PK', '2021-09-23', '2021-09-23T19:10:00', figures({ tested_24h: '100', negative: '90', awaiting: '10', vaccine_doses: '800' }), 'Nhầm số chờ kết quả');
    await reviewCorrection(t.db, await who('vanthu.thanhuy'), pk.submission.id, false, { now: vn('2021-09-23T19:20:00') });
    assert.equal((await periodRollup(t.db, covid, province, '2021-09-23', vn('2021-09-23T19:30:00'))).totals.negative, 1036);
  });

  test('the trend over the days, with late counts, and the .xlsx export', async () => {
    await submit('0912000102', 'TB-DT', '2021-09-22', '2021-09-22T10:00:00', figures({ tested_24h: '50', negative: '50' }));
    await submit('0912000122', 'TB-VP', '2021-09-22', '2021-09-22T15:30:00', figures({ tested_24h: '20', negative: '20' }));
    const series = await trend(t.db, covid, await unit('TB'), '2021-09-20', '2021-09-23');
    assert.deepEqual(
      series.map((p) => [p.period, p.submitted, p.late, p.totals.tested_24h]),
      [
        ['2021-09-20', 0, 0, null],
        ['2021-09-21', 0, 0, null],
        ['2021-09-22', 2, 1, 70],
        ['2021-09-23', 2, 1, 1041],
      ],
    );
    const wb = await readXlsx(await rollupWorkbook(t.db, covid, await unit('TB'), '2021-09-20', '2021-09-23', 'vi'));
    assert.equal(wb.rows[0]!.cells[0], 'Kỳ báo cáo');
    assert.equal(wb.rows.length, 5, 'a header and one row per day');
    const perUnit = await readXlsx(await rollupWorkbook(t.db, covid, await unit('TB'), '2021-09-20', '2021-09-23', 'vi'), { sheet: 'Chi tiết từng đơn vị' });
    assert.equal(perUnit.rows.length, 5, 'a header and four submissions');
  });
});

test('averages where meaningful, and table rows summed by column', async () => {
  const province = await unit('TB');
  const read = readTemplate(
    {
      name: 'Báo cáo tiêm chủng tuần',
      description: '',
      scheduleKind: 'weekly',
      deadlineTime: '16:00',
      weekday: '5',
      monthday: '',
      startsOn: '01/09/2021',
      endsOn: '',
      kinds: ['party_grassroots'],
      rules: 'Số mũi 2 <= Số mũi 1',
      fields: [
        { label: 'Số mũi 1', type: 'integer', required: true, nonNegative: true, aggregate: 'sum', unit: 'mũi', options: '' },
        { label: 'Số mũi 2', type: 'integer', required: true, nonNegative: true, aggregate: 'sum', unit: 'mũi', options: '' },
        { label: 'Tỉ lệ bao phủ', type: 'decimal', required: true, nonNegative: true, aggregate: 'avg', unit: '%', options: '' },
        { label: 'Mức độ dịch', type: 'choice', required: true, nonNegative: false, aggregate: 'none', unit: '', options: 'Cấp 1\nCấp 2\nCấp 3' },
        { label: 'Điểm tiêm', type: 'table', required: false, nonNegative: false, aggregate: 'none', unit: '', options: 'Tên điểm | chữ\nSố bàn tiêm' },
      ],
    },
    'vi',
    vn('2021-09-06T10:00:00'),
  );
  assert.ok(read.ok, JSON.stringify(!read.ok && read.errors));
  const tpl = await createTemplate(t.db, await who('vanthu.tinhuy'), { ...read.value, ownerUnitId: province.id, scopeUnitId: province.id });
  const [dose1, dose2, rate, level, points] = tpl.fields;
  assert.equal(level!.choices!.length, 3);
  const raw = (rateText: string, tables: Record<string, string>) => ({ [dose1!.key]: '120', [dose2!.key]: '80', [rate!.key]: rateText, [level!.key]: 'Cấp 2', ...tables });
  const col = (r: number, c: number) => `${points!.key}__${r}__${points!.columns![c]!.key}`;
  const send = async (login: string, code: string, rateText: string, tables: Record<string, string>) =>
    submitReport(t.db, await who(login), { templateId: tpl.id, unitId: (await unit(code)).id, period: '2021-09-06', raw: raw(rateText, tables), note: null }, { now: vn('2021-09-09T10:00:00') });
  await send('0912000102', 'TB-DT', '62,5', { [col(0, 0)]: 'Trạm y tế xã', [col(0, 1)]: '3', [col(1, 0)]: 'Trường tiểu học', [col(1, 1)]: '2' });
  await send('0912000112', 'TB-PK', '70', { [col(0, 0)]: 'Nhà văn hóa', [col(0, 1)]: '4' });
  await assert.rejects(send('0912000122', 'TB-VP', '70', { [col(0, 0)]: 'Trạm y tế', [col(0, 1)]: 'bốn' }), /Dòng 1, cột “Số bàn tiêm”: hãy nhập một số/);
  const r = await periodRollup(t.db, tpl, province, '2021-09-06', vn('2021-09-10T17:00:00'));
  assert.equal(r.totals[dose1!.key], 240);
  assert.equal(r.totals[rate!.key], 66.25, 'a rate is averaged, not added');
  assert.equal(r.totals[`${points!.key}.${points!.columns![1]!.key}`], 9);
  assert.equal(r.totals[level!.key], undefined, 'a choice is not aggregated');
  const dt = r.lines.find((l) => l.unit.name === 'Đảng ủy xã Đông Thọ')!;
  assert.deepEqual(dt.values![points!.key], [
    { [points!.columns![0]!.key]: 'Trạm y tế xã', [points!.columns![1]!.key]: 3 },
    { [points!.columns![0]!.key]: 'Trường tiểu học', [points!.columns![1]!.key]: 2 },
  ]);
});

test('targets are a subtree, by kind', async () => {
  const all = await targetUnits(t.db, covid);
  assert.deepEqual(all.map((u) => u.name).sort(), ['Đảng ủy phường Phú Khánh', 'Đảng ủy xã Vũ Phúc', 'Đảng ủy xã Đông Thọ'].sort());
  assert.deepEqual(await targetUnits(t.db, covid, await unit('TB-UBND')), [], 'the state tree holds none');
  assert.equal((await targetUnits(t.db, covid, await unit('TB-DT'))).length, 1);
});

test('simultaneous first submissions of one unit and day: exactly one counts, the others are told', { skip: process.env.DATABASE_URL ? false : 'needs real concurrency: PGlite runs one statement at a time' }, async () => {
  const dt = await unit('TB-DT');
  const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => submit('0912000102', 'TB-DT', '2021-09-20', '2021-09-23T10:00:00', figures({ vaccine_doses: String(100 + i) }))));
  const rows = await t.db.select().from(reportSubmissions).where(and(eq(reportSubmissions.templateId, covid.id), eq(reportSubmissions.unitId, dt.id), eq(reportSubmissions.period, '2021-09-20')));
  assert.equal(rows.filter((r) => r.status === 'current').length, 1);
  const ok = results.filter((r) => r.status === 'fulfilled').length;
  assert.equal(rows.length, ok, 'every accepted submission is one version, nothing else was written');
  for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof DomainError && ['conflict', 'invalid'].includes(r.reason.code), String(r.reason));
});
