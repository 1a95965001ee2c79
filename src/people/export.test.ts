// Exporting members as .xlsx and .csv: the import's columns, Vietnamese name order, real dates
// shown dd/mm/yyyy, an audit entry for the read; and the round trip — a file exported from one
// database imports cleanly into an empty cell of another and comes out identical.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { finishStartup, loggedIn, testConfig, type Client } from '../../test/kit/app.ts';
import { testDatabase, type TestDatabase } from '../../test/kit/db.ts';
import { unitByCode } from '../../test/kit/demo.ts';
import { createServer } from '../server.ts';
import type { JobQueue } from '../core/jobs/queue.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { auditLog } from '../core/audit/schema.ts';
import { compareNames } from '../core/text/vietnamese.ts';
import { createAccount, grantRole } from '../core/auth/accounts.ts';
import { createUnit } from '../org/tree.ts';
import type { Unit } from '../org/schema.ts';
import { createPerson, listMembers } from './members.ts';
import { memberImports } from './schema.ts';
import { MEMBER_COLUMNS, type ImportAnalysis } from './import.ts';

type Harness = { app: FastifyInstance; database: TestDatabase; jobs: JobQueue; close: () => Promise<void> };
async function harness(demo: boolean): Promise<Harness> {
  const database = await testDatabase({ demo });
  const { app, jobs } = await createServer(testConfig(), { database, logger: false });
  await app.ready();
  await finishStartup(jobs);
  return {
    app,
    database,
    jobs,
    close: async () => {
      await jobs.stop();
      await app.close();
      await database.close();
    },
  };
}

async function download(c: Client, url: string) {
  const res = await c.app.inject({ method: 'GET', url, headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload };
}

async function upload(c: Client, unitId: number, fileName: string, content: Buffer) {
  const boundary = `----sotay${crypto.randomBytes(8).toString('hex')}`;
  const payload = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const res = await c.app.inject({
    method: 'POST',
    url: `/admin/people/import?unit=${unitId}&_csrf=${encodeURIComponent(c.csrf)}`,
    headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
  assert.equal(res.statusCode, 303, res.body.slice(0, 300));
  const id = Number(/(\d+)$/.exec(String(res.headers.location))![1]);
  return id;
}

const LABELS = MEMBER_COLUMNS.map((c) => c.label);

let source: Harness;
let committee: Client;
let cell: Unit;
let xlsxExport: Buffer;
let csvExport: Buffer;

before(async () => {
  source = await harness(true);
  committee = await loggedIn(source.app, '0912000101');
  cell = await unitByCode(source.database.db, 'TB-DT-1');
});
after(() => source?.close());

describe('export', () => {
  test('.xlsx: the import columns, bold frozen header, names in Vietnamese order, real dates, phones as text; audited', async () => {
    const res = await download(committee, `/admin/people/export.xlsx?unit=${cell.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="dang-vien-tb-dt-1-\d{4}-\d{2}-\d{2}\.xlsx"/);
    assert.equal(res.headers['cache-control'], 'no-store');
    xlsxExport = res.body;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const ws = wb.worksheets[0]!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    assert.deepEqual(header, LABELS);
    assert.equal(ws.getRow(1).getCell(1).font?.bold, true);
    assert.equal(ws.views[0]?.state, 'frozen');
    const expected = await listMembers(source.database.db, { cellId: cell.id, limit: 1000 });
    assert.equal(ws.rowCount - 1, expected.length);
    const names = Array.from({ length: expected.length }, (_, i) => String(ws.getRow(i + 2).getCell(1).value));
    assert.deepEqual(names, expected.map((m) => m.fullName));
    assert.deepEqual(names, [...names].sort(compareNames), 'sorted by given name, the Vietnamese way');
    const withBirth = expected.findIndex((m) => m.birthDate);
    const born = ws.getRow(withBirth + 2).getCell(2);
    assert.ok(born.value instanceof Date);
    assert.equal(born.numFmt, 'dd/mm/yyyy');
    assert.equal((born.value as Date).toISOString().slice(0, 10), expected[withBirth]!.birthDate);
    const withPhone = expected.findIndex((m) => m.phone);
    assert.equal(ws.getRow(withPhone + 2).getCell(9).value, expected[withPhone]!.phone, 'the leading zero is kept');
    const [entry] = await source.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'member.export'), eq(auditLog.unitId, cell.id)));
    assert.deepEqual(entry!.after, { format: 'xlsx', count: expected.length });
  });

  test('.csv: UTF-8 with BOM, the same columns, dates dd/mm/yyyy', async () => {
    const res = await download(committee, `/admin/people/export.csv?unit=${cell.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    csvExport = res.body;
    assert.deepEqual([...res.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = res.body.toString('utf8').slice(1).split('\r\n');
    assert.equal(lines[0], LABELS.join(','));
    assert.match(lines[1]!, /^[^,]+,(\d{2}\/\d{2}\/\d{4})?,(Nam|Nữ)?,/);
    assert.ok(lines.some((l) => l.includes(',Chi bộ thôn Đông Thọ,')));
    const entries = await source.database.db.select().from(auditLog).where(eq(auditLog.action, 'member.export'));
    assert.equal(entries.length, 2);
  });

  test('a committee exports its whole subtree, each member with their cell', async () => {
    const commune = await unitByCode(source.database.db, 'TB-DT');
    const res = await download(committee, `/admin/people/export.csv?unit=${commune.id}`);
    assert.equal(res.status, 200);
    const text = res.body.toString('utf8');
    assert.ok(text.includes(',Chi bộ thôn Đông Thọ,') && text.includes(',Chi bộ thôn Tống Vũ,'));
  });

  test('a cell secretary (who does not manage member records) cannot export', async () => {
    const secretary = await loggedIn(source.app, '0912000201');
    assert.equal((await download(secretary, `/admin/people/export.xlsx?unit=${cell.id}`)).status, 403);
  });
});

describe('round trip', () => {
  let target: Harness;
  let admin: Client;
  let newCell: Unit;
  let newCommune: Unit;

  before(async () => {
    target = await harness(false);
    const db = target.database.db;
    await db.transaction(async (tx) => {
      const province = await createUnit(tx, SYSTEM_CONTEXT, { parentId: null, kind: 'party_province', name: 'Tỉnh ủy Thử nghiệm' });
      newCommune = await createUnit(tx, SYSTEM_CONTEXT, { parentId: province.id, kind: 'party_grassroots', name: 'Đảng ủy xã Đông Thọ' });
      newCell = await createUnit(tx, SYSTEM_CONTEXT, { parentId: newCommune.id, kind: 'cell', name: 'Chi bộ thôn Đông Thọ' });
      await createUnit(tx, SYSTEM_CONTEXT, { parentId: newCommune.id, kind: 'cell', name: 'Chi bộ thôn Tống Vũ' });
      const person = await createPerson(tx, SYSTEM_CONTEXT, { fullName: 'Quản Trị Viên', birthDate: null, gender: null, phone: null, email: null, phoneKind: 'none' });
      const acc = await createAccount(tx, SYSTEM_CONTEXT, { personId: person.id, username: 'quantri', password: 'mat-khau-thu-1', mustChangePassword: false });
      await grantRole(tx, SYSTEM_CONTEXT, { accountId: acc.id, role: 'system_admin', unitId: null });
    });
    admin = await loggedIn(target.app, 'quantri', 'mat-khau-thu-1');
  });
  after(() => target?.close());

  const analysisOf = async (id: number) => (await target.database.db.select().from(memberImports).where(eq(memberImports.id, id)))[0]!.report as ImportAnalysis;

  test('a committee export previews cleanly into the same cells of another database', async () => {
    const commune = await unitByCode(source.database.db, 'TB-DT');
    const file = (await download(committee, `/admin/people/export.xlsx?unit=${commune.id}`)).body;
    const a = await analysisOf(await upload(admin, newCommune.id, 'xa.xlsx', file));
    assert.equal(a.errorRows, 0, JSON.stringify(a.rows.filter((r) => r.errors.length).slice(0, 3)));
    assert.ok(a.totalRows > 20);
    assert.deepEqual(a.notices, []);
  });

  test('export → import into an empty cell validates cleanly and the data come back identical', async () => {
    const fromCsv = await analysisOf(await upload(admin, newCell.id, 'chi-bo.csv', csvExport));
    assert.equal(fromCsv.errorRows, 0, JSON.stringify(fromCsv.rows.filter((r) => r.errors.length).slice(0, 3)));
    assert.deepEqual(fromCsv.notices, []);
    // The only remarks are the phones the elderly couple shares.
    assert.ok(fromCsv.rows.every((r) => r.warnings.every((w) => w.column === 'phone')));

    const id = await upload(admin, newCell.id, 'chi-bo.xlsx', xlsxExport);
    const fromXlsx = await analysisOf(id);
    assert.equal(fromXlsx.errorRows, 0);
    assert.equal(fromXlsx.totalRows, fromCsv.totalRows);
    assert.equal((await admin.get(`/admin/people/import/${id}`)).status, 200);
    assert.equal((await admin.post(`/admin/people/import/${id}/confirm`, { mode: 'all' })).status, 303);
    assert.equal(await target.jobs.runOnce(), 1);

    const strip = (list: Awaited<ReturnType<typeof listMembers>>) => list.map(({ personId: _p, unitId: _u, unitPath: _up, temporaryUnitId: _t, temporaryUnitPath: _tp, status: _s, ...rest }) => rest);
    const before = strip(await listMembers(source.database.db, { cellId: cell.id, limit: 1000 }));
    const after = strip(await listMembers(target.database.db, { cellId: newCell.id, limit: 1000 }));
    assert.equal(after.length, before.length);
    assert.deepEqual(after, before);
    // Exported again, the file is the same.
    const again = await download(admin, `/admin/people/export.csv?unit=${newCell.id}`);
    assert.equal(again.body.toString('utf8'), csvExport.toString('utf8'));
    // Importing the same file a second time would list everyone twice: every row is refused.
    const twice = await analysisOf(await upload(admin, newCell.id, 'lan-hai.csv', again.body));
    assert.equal(twice.errorRows, twice.totalRows);
    // (Every demo member has a date of birth, so each row is recognised by name and date of birth.)
    assert.ok(twice.rows.every((r) => r.errors.some((e) => e.column === 'fullName' && /Đã có trong danh sách/.test(e.message))));
  });
});
