// Importing member lists from the spreadsheets provinces keep (.xlsx or .csv). An upload is
// stored in member_imports and checked row by row with the same validation as the forms; the
// preview shows every problem by row and column. Confirming queues a job that re-checks the
// file and writes every row in ONE transaction (or nothing), with an 'imported' event per
// member and one audit entry for the import.
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { queryRows } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { defineMessages, todayIso, type Locale } from '../core/i18n/i18n.ts';
import { foldVietnamese, nameSortKey, normalizePhone } from '../core/text/vietnamese.ts';
import { normalizeCardNumber } from '../core/auth/login.ts';
import { enqueue, type JobContext, type JobQueue } from '../core/jobs/queue.ts';
import { readTable, cellCode, cellDate, cellPhone, cellText, type CellValue, type ColumnSpec, type SpreadsheetFormat, type Table } from '../core/xlsx/index.ts';
import { units, type Unit } from '../org/schema.ts';
import { getUnit, subtree } from '../org/tree.ts';
import { memberEvents, memberImports, members, people } from './schema.ts';
import { peopleMessages } from './messages.ts';
import { validateMember, type MemberInput, type RawMember } from './validation.ts';

declare module '../core/jobs/queue.ts' {
  interface JobPayloads {
    /** Runs a confirmed member import (one transaction). */
    'members.import': { importId: number; accountId: number | null; ip?: string | null; requestId?: string | null };
    /** Drops stored uploads that were never confirmed, and the file content of finished ones. */
    'members.import_purge': Record<string, never>;
  }
}

export type MemberImport = typeof memberImports.$inferSelect;

/** The columns of the provinces' member list, in the order the export writes them. */
export const MEMBER_COLUMN_KEYS = ['fullName', 'birthDate', 'gender', 'joinedOn', 'officialOn', 'cardNumber', 'unit', 'position', 'phone', 'email', 'standing', 'exempt', 'phoneKind'] as const;
export type MemberColumn = (typeof MEMBER_COLUMN_KEYS)[number];

export const MEMBER_COLUMNS: readonly ColumnSpec<MemberColumn>[] = [
  { key: 'fullName', label: 'Họ và tên', aliases: ['Họ tên', 'Họ và tên đảng viên', 'Họ tên đảng viên', 'Tên đảng viên', 'Họ và tên khai sinh', 'Full name', 'Name'] },
  { key: 'birthDate', label: 'Ngày sinh', aliases: ['Ngày tháng năm sinh', 'Ngày, tháng, năm sinh', 'Sinh ngày', 'Năm sinh', 'Date of birth', 'Birth date'] },
  { key: 'gender', label: 'Giới tính', aliases: ['Nam/Nữ', 'Nam, nữ', 'Gender', 'Sex'] },
  { key: 'joinedOn', label: 'Ngày vào Đảng', aliases: ['Ngày kết nạp', 'Ngày kết nạp Đảng', 'Ngày kết nạp vào Đảng', 'Vào Đảng', 'Date joined'] },
  { key: 'officialOn', label: 'Ngày chính thức', aliases: ['Ngày công nhận chính thức', 'Ngày chuyển chính thức', 'Ngày vào Đảng chính thức', 'Ngày được công nhận chính thức', 'Date official'] },
  { key: 'cardNumber', label: 'Số thẻ đảng viên', aliases: ['Số thẻ', 'Số thẻ ĐV', 'Số thẻ Đảng', 'Thẻ đảng viên', 'Số thẻ đảng', 'Card number'] },
  { key: 'unit', label: 'Chi bộ', aliases: ['Chi bộ sinh hoạt', 'Tên chi bộ', 'Mã chi bộ', 'Sinh hoạt tại chi bộ', 'Cell'] },
  { key: 'position', label: 'Chức vụ', aliases: ['Chức danh', 'Chức vụ đảng', 'Chức vụ Đảng', 'Position'] },
  { key: 'phone', label: 'Điện thoại', aliases: ['Số điện thoại', 'SĐT', 'ĐT', 'Số ĐT', 'Di động', 'Điện thoại di động', 'Phone'] },
  { key: 'email', label: 'Email', aliases: ['E-mail', 'Thư điện tử', 'Địa chỉ email'] },
  { key: 'standing', label: 'Chính thức/Dự bị', aliases: ['Đảng viên chính thức/dự bị', 'Chính thức, dự bị', 'Chính thức hay dự bị', 'Loại đảng viên', 'Standing'] },
  { key: 'exempt', label: 'Miễn sinh hoạt', aliases: ['Miễn SH', 'Miễn sinh hoạt đảng', 'Miễn công tác và sinh hoạt', 'Exempt'] },
  { key: 'phoneKind', label: 'Loại điện thoại', aliases: ['Loại ĐT', 'Phone type'] },
];
export const MEMBER_COLUMN_LABEL = Object.fromEntries(MEMBER_COLUMNS.map((c) => [c.key, c.label])) as Record<MemberColumn, string>;

export const importMessages = defineMessages(
  {
    unitAmbiguous: (names: string) => `Có nhiều chi bộ cùng tên này (${names}); hãy ghi mã chi bộ.`,
    unitRequired: 'Hãy ghi chi bộ sinh hoạt của đảng viên (tên, mã hoặc mã số chi bộ).',
    unitOther: (file: string, target: string) => `Tệp ghi chi bộ "${file}"; dòng này sẽ được nhập vào ${target}.`,
    unitColumnMissing: (target: string) => `Tệp không có cột "Chi bộ" nên không biết mỗi đảng viên thuộc chi bộ nào của ${target}. Hãy thêm cột "Chi bộ", hoặc nhập từng chi bộ ở trang của chi bộ đó.`,
    unitOtherNotice: (target: string) => `Cột "Chi bộ" trong tệp ghi một chi bộ khác; mọi đảng viên trong tệp sẽ được nhập vào ${target}. Hãy kiểm tra đã chọn đúng chi bộ.`,
    unknownColumns: (names: string) => `Các cột không dùng đến (bỏ qua): ${names}.`,
    phoneSharedRow: (row: number, name: string) => `dòng ${row} (${name})`,
    phoneSharedOther: 'một người khác đã có trong hệ thống',
    maybeDuplicate: (unit: string) => `Có thể đã có trong danh sách: ${unit} đã có đảng viên cùng họ tên (chưa có ngày sinh để so).`,
    duplicate: (unit: string) => `Đã có trong danh sách: ${unit} đã có đảng viên cùng họ tên và ngày sinh. Hãy bỏ dòng này khỏi tệp (muốn sửa hồ sơ thì sửa trong trang hồ sơ).`,
    nothingValid: 'Không có dòng hợp lệ nào để nhập.',
    changedSincePreview: 'Dữ liệu đã thay đổi từ lúc xem trước (ví dụ có người vừa thêm đảng viên trùng số thẻ). Không dòng nào được nhập; hãy xem các lỗi dưới đây và tải tệp lên lại.',
    failedAfterRetries: 'Không ghi được vào cơ sở dữ liệu sau nhiều lần thử. Không dòng nào được nhập. Hãy thử lại sau hoặc báo quản trị hệ thống.',
    cellClosed: 'Đơn vị này đã đóng, không nhập thêm đảng viên được.',
    notPartyUnit: 'Chỉ nhập đảng viên vào chi bộ hoặc đảng bộ (cây tổ chức Đảng).',
  },
  {
    unitAmbiguous: (names: string) => `Several cells have this name (${names}); write the cell's code.`,
    unitRequired: "Write the member's cell (name, code or id of the cell).",
    unitOther: (file: string, target: string) => `The file names cell "${file}"; this row will be imported into ${target}.`,
    unitColumnMissing: (target: string) => `The file has no "Chi bộ" (cell) column, so it does not say which cell of ${target} each member belongs to. Add a "Chi bộ" column, or import each cell from that cell's page.`,
    unitOtherNotice: (target: string) => `The "Chi bộ" (cell) column names another cell; every member in the file will be imported into ${target}. Check that you chose the right cell.`,
    unknownColumns: (names: string) => `Columns not used (ignored): ${names}.`,
    phoneSharedRow: (row: number, name: string) => `row ${row} (${name})`,
    phoneSharedOther: 'someone already in the system',
    maybeDuplicate: (unit: string) => `Possibly already listed: ${unit} has a member with the same name (no date of birth to compare).`,
    duplicate: (unit: string) => `Already listed: ${unit} has a member with the same name and date of birth. Remove this row from the file (edit the existing record on its page instead).`,
    nothingValid: 'There is no valid row to import.',
    changedSincePreview: 'The data changed since the preview (for example someone just added a member with the same card number). Nothing was imported; see the errors below and upload the file again.',
    failedAfterRetries: 'Could not write to the database after several attempts. Nothing was imported. Try again later or tell the system administrator.',
    cellClosed: 'This unit is closed; no members can be added.',
    notPartyUnit: 'Members can only be imported into a cell or a party committee (the Party tree).',
  },
);

// ——— Analysis: every row checked, nothing written ———

export type RowIssue = { column: MemberColumn | null; message: string };
export type RowReport = { row: number; name: string; errors: RowIssue[]; warnings: RowIssue[] };
export type ImportAnalysis = {
  locale: Locale;
  format: SpreadsheetFormat;
  sheetName: string;
  headerRow: number;
  /** Recognised columns: key, header as written in the file, column letter (A, B…) or number. */
  columns: { key: MemberColumn; header: string; index: number }[];
  unknownHeaders: string[];
  totalRows: number;
  validRows: number;
  errorRows: number;
  warningRows: number;
  /** Rows with errors or warnings, in file order. */
  rows: RowReport[];
  /** Remarks about the whole file. */
  notices: string[];
  /** The first valid rows as they will be imported (for the preview). */
  sample: { row: number; fullName: string; birthDate: string | null; cardNumber: string | null; unitName: string; standing: MemberInput['standing'] }[];
  /** Set when the import job refused the file (data changed since the preview) or failed. */
  failure?: string;
};
export type PlannedMember = { row: number; unitId: number; input: MemberInput };

const SAMPLE_SIZE = 20;
const CHUNK = 1000;

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function rawMember(v: Partial<Record<MemberColumn, CellValue>>): RawMember {
  const get = (k: MemberColumn) => v[k] ?? null;
  const exempt = get('exempt');
  return {
    fullName: cellText(get('fullName')),
    birthDate: cellDate(get('birthDate')),
    gender: cellText(get('gender')),
    joinedOn: cellDate(get('joinedOn')),
    officialOn: cellDate(get('officialOn')),
    cardNumber: cellCode(get('cardNumber')),
    position: cellText(get('position')),
    phone: cellPhone(get('phone')),
    email: cellText(get('email')),
    standing: cellText(get('standing')),
    exempt: typeof exempt === 'boolean' ? exempt : cellText(exempt),
    phoneKind: cellText(get('phoneKind')),
  };
}

/** Finds the cell a "Chi bộ" value names among the units of the target's subtree. */
type UnitMatcher = (value: string) => { unit: Unit } | { error: 'unknown' | 'notCell' } | { error: 'ambiguous'; names: string };

function unitMatcher(all: Unit[]): UnitMatcher {
  const byId = new Map(all.map((u) => [String(u.id), u]));
  const byCode = new Map<string, Unit[]>();
  const byName = new Map<string, Unit[]>();
  const add = (m: Map<string, Unit[]>, k: string, u: Unit) => {
    const list = m.get(k) ?? [];
    if (!list.includes(u)) list.push(u);
    m.set(k, list);
  };
  for (const u of all) {
    if (u.code) add(byCode, u.code.toLowerCase(), u);
    add(byName, u.nameFold, u);
    if (u.shortName) add(byName, foldVietnamese(u.shortName), u);
  }
  const cache = new Map<string, ReturnType<UnitMatcher>>();
  return (value) => {
    const hit = cache.get(value);
    if (hit) return hit;
    const v = value.trim();
    const f = foldVietnamese(v);
    const found: Unit[] =
      /^\d+$/.test(v) && byId.has(v) ? [byId.get(v)!] : byCode.get(v.toLowerCase()) ?? byName.get(f) ?? byName.get(foldVietnamese(`Chi bộ ${v}`)) ?? [];
    let result: ReturnType<UnitMatcher>;
    const cells = found.filter((u) => u.kind === 'cell');
    if (cells.length === 1) result = { unit: cells[0]! };
    else if (cells.length > 1) result = { error: 'ambiguous', names: cells.map((u) => `${u.name}${u.code ? ` — ${u.code}` : ''}`).join('; ') };
    else if (found.length > 0) result = { error: 'notCell' };
    else result = { error: 'unknown' };
    cache.set(value, result);
    return result;
  };
}

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Reads an uploaded member list (pure CPU; refuses unreadable files with a SpreadsheetError). */
export function readMemberTable(content: Uint8Array, fileName = ''): Promise<Table<MemberColumn>> {
  return readTable(content, MEMBER_COLUMNS, { fileName, required: ['fullName'], minMatches: 1 });
}

/**
 * Reads the file and checks every row: the member fields (validateMember), the cell, card
 * numbers already in the database or repeated in the file (errors), phone numbers shared with
 * someone else (warnings only: elderly couples share a phone). Writes nothing.
 */
export async function analyseImport(
  db: Db,
  target: Unit,
  content: Uint8Array,
  opts: {
    fileName?: string;
    locale: Locale;
    today?: string;
    /** May the importer see names of members registered at this unit path? Default: inside the target. */
    mayName?: (unitPath: string) => boolean;
    /** The file already read (readMemberTable), so a transaction need not wait for the parsing. */
    table?: Table<MemberColumn>;
  },
): Promise<{ analysis: ImportAnalysis; plan: PlannedMember[] }> {
  const { locale } = opts;
  const mayName = opts.mayName ?? ((path: string) => path.startsWith(target.path));
  const pm = peopleMessages(locale).errors;
  const im = importMessages(locale);
  const table = opts.table ?? (await readMemberTable(content, opts.fileName));
  const present = new Set(table.header.columns.map((c) => c.key));
  const notices: string[] = [];
  if (table.header.unknown.length) notices.push(im.unknownColumns(table.header.unknown.map((u) => `"${u.header}"`).join(', ')));

  // Where rows go: the target cell, or a cell of the committee's subtree named in the "Chi bộ" column.
  const inTree = await subtree(db, target.path);
  const cells = inTree.filter((u) => u.kind === 'cell');
  const match = unitMatcher(inTree);
  if (target.kind !== 'cell' && !present.has('unit') && cells.length !== 1) notices.unshift(im.unitColumnMissing(target.name));

  const reports = new Map<number, RowReport>();
  const report = (row: number, name: string) => {
    let r = reports.get(row);
    if (!r) reports.set(row, (r = { row, name, errors: [], warnings: [] }));
    return r;
  };
  const valid = new Map<number, PlannedMember>();
  const cards = new Map<string, number[]>();
  const phones = new Map<string, number[]>();
  const names = new Map<number, string>();
  const identity = new Map<number, { fold: string; birthDate: string }>();
  let otherCellRows = 0;

  for (const { rowNumber, values } of table.rows) {
    const raw = rawMember(values);
    const name = cellText(values.fullName ?? null);
    names.set(rowNumber, name);
    const v = validateMember(raw, locale, opts.today);
    const errors: RowIssue[] = [];
    const warnings: RowIssue[] = [];
    const issues = (list: Record<string, string>, into: RowIssue[]) => {
      for (const [k, message] of Object.entries(list)) into.push({ column: (MEMBER_COLUMN_KEYS as readonly string[]).includes(k) ? (k as MemberColumn) : null, message });
    };
    if (!v.ok) issues(v.errors, errors);
    issues(v.warnings, warnings);

    let unitId: number | null = null;
    const unitText = cellCode(values.unit ?? null);
    if (target.kind === 'cell') {
      unitId = target.id;
      if (unitText) {
        const m = match(unitText);
        if (!('unit' in m) || m.unit.id !== target.id) {
          warnings.push({ column: 'unit', message: im.unitOther(unitText, target.name) });
          otherCellRows++;
        }
      }
    } else if (unitText) {
      const m = match(unitText);
      if ('unit' in m) unitId = m.unit.id;
      else errors.push({ column: 'unit', message: m.error === 'ambiguous' ? im.unitAmbiguous(m.names) : m.error === 'notCell' ? pm.unitNotCell : pm.unitUnknown });
    } else if (cells.length === 1) {
      unitId = cells[0]!.id;
    } else {
      errors.push({ column: 'unit', message: im.unitRequired });
    }

    const cardRaw = cellCode(values.cardNumber ?? null);
    const card = cardRaw ? normalizeCardNumber(cardRaw) : null;
    if (card && /^\d{6,12}$/.test(card)) cards.set(card, [...(cards.get(card) ?? []), rowNumber]);
    const phoneRaw = cellPhone(values.phone ?? null);
    const phone = phoneRaw ? normalizePhone(phoneRaw) : null;
    if (phone) phones.set(phone, [...(phones.get(phone) ?? []), rowNumber]);
    const birth = v.ok ? v.value.birthDate : null;
    if (v.ok && birth) identity.set(rowNumber, { fold: foldVietnamese(v.value.fullName), birthDate: birth });

    if (errors.length || warnings.length) {
      const r = report(rowNumber, name);
      r.errors.push(...errors);
      r.warnings.push(...warnings);
    }
    if (v.ok && errors.length === 0 && unitId != null) valid.set(rowNumber, { row: rowNumber, unitId, input: v.value });
  }
  if (otherCellRows > 0) notices.push(im.unitOtherNotice(target.name));

  // Card numbers: repeated in the file, or already in the database (anywhere: they are unique).
  for (const rows of cards.values()) {
    if (rows.length < 2) continue;
    for (const row of rows) {
      const other = row === rows[0] ? rows[1]! : rows[0]!;
      report(row, names.get(row) ?? '').errors.push({ column: 'cardNumber', message: pm.cardDuplicateInFile(other) });
      valid.delete(row);
    }
  }
  for (const part of chunks([...cards.keys()])) {
    const taken = await db.select({ card: members.cardNumber }).from(members).where(inArray(members.cardNumber, part));
    for (const { card } of taken) {
      for (const row of cards.get(card!) ?? []) {
        report(row, names.get(row) ?? '').errors.push({ column: 'cardNumber', message: pm.cardDuplicate });
        valid.delete(row);
      }
    }
  }

  // Phones shared with another row or someone in the database: a warning, never an error.
  const sharedWith = new Map<number, string[]>();
  for (const rows of phones.values()) {
    if (rows.length < 2) continue;
    for (const row of rows) sharedWith.set(row, rows.filter((r) => r !== row).map((r) => im.phoneSharedRow(r, names.get(r) ?? '')));
  }
  for (const part of chunks([...phones.keys()])) {
    const holders = await db
      .select({ phone: people.phone, fullName: people.fullName, path: units.path })
      .from(people)
      .leftJoin(members, eq(members.personId, people.id))
      .leftJoin(units, eq(units.id, members.unitId))
      .where(inArray(people.phone, part));
    for (const h of holders) {
      // Only people the importer may see are mentioned: the file must not reveal whether a
      // phone number belongs to someone elsewhere in the country.
      if (!h.path || !mayName(h.path)) continue;
      const who = h.fullName;
      for (const row of phones.get(h.phone!) ?? []) {
        const list = sharedWith.get(row) ?? [];
        if (!list.includes(who)) list.push(who);
        sharedWith.set(row, list);
      }
    }
  }
  for (const [row, list] of sharedWith) report(row, names.get(row) ?? '').warnings.push({ column: 'phone', message: pm.phoneShared(list.join(', ')) });

  // Same name and date of birth already in the unit: listed twice (an error, so importing the same
  // file again never duplicates people); same name with no date of birth to compare: a warning.
  const folds = [...new Set([...identity.values()].map((x) => x.fold))];
  for (const part of chunks(folds)) {
    const existing = await db
      .select({ fold: people.nameFold, birthDate: people.birthDate, unitName: units.name })
      .from(members)
      .innerJoin(people, eq(people.id, members.personId))
      .innerJoin(units, eq(units.id, members.unitId))
      .where(and(like(units.path, `${target.path}%`), inArray(people.nameFold, part)));
    const seen = new Map(existing.map((e) => [`${e.fold}|${e.birthDate}`, e.unitName]));
    for (const [row, x] of identity) {
      const unitName = seen.get(`${x.fold}|${x.birthDate}`);
      if (!unitName) continue;
      if (x.birthDate) report(row, names.get(row) ?? '').errors.push({ column: 'fullName', message: im.duplicate(unitName) });
      else report(row, names.get(row) ?? '').warnings.push({ column: 'fullName', message: im.maybeDuplicate(unitName) });
    }
  }

  // Issues of a row in the order of the file's columns (whole-row issues first).
  const position = new Map(table.header.columns.map((c) => [c.key, c.index]));
  const byColumn = (a: RowIssue, b: RowIssue) => (a.column ? (position.get(a.column) ?? 999) : -1) - (b.column ? (position.get(b.column) ?? 999) : -1);
  for (const r of reports.values()) {
    r.errors.sort(byColumn);
    r.warnings.sort(byColumn);
  }
  const rows = [...reports.values()].sort((a, b) => a.row - b.row);
  const plan = [...valid.values()].sort((a, b) => a.row - b.row);
  const cellName = new Map(cells.map((c) => [c.id, c.name]));
  const analysis: ImportAnalysis = {
    locale,
    format: table.format,
    sheetName: table.sheetName,
    headerRow: table.header.rowNumber,
    columns: table.header.columns.map((c) => ({ key: c.key, header: c.header, index: c.index })),
    unknownHeaders: table.header.unknown.map((u) => u.header),
    totalRows: table.rows.length,
    validRows: plan.length,
    errorRows: rows.filter((r) => r.errors.length > 0).length,
    warningRows: rows.filter((r) => r.warnings.length > 0 && r.errors.length === 0).length,
    rows,
    notices,
    sample: plan.slice(0, SAMPLE_SIZE).map((p) => ({ row: p.row, fullName: p.input.fullName, birthDate: p.input.birthDate, cardNumber: p.input.cardNumber, unitName: cellName.get(p.unitId) ?? '', standing: p.input.standing })),
  };
  return { analysis, plan };
}

/** Why members cannot be imported into this unit, or null: it must be an open unit of the party tree. */
export function importTargetProblem(unit: Unit, locale: Locale): string | null {
  const im = importMessages(locale);
  if (unit.status !== 'active') return im.cellClosed;
  if (unit.tree !== 'party' || unit.kind === 'party_board') return im.notPartyUnit;
  return null;
}

/** Stores an upload after reading and checking it. A file that cannot be read is refused and nothing is stored. */
export async function createImport(
  db: Db,
  who: ActingContext & { accountId: number },
  target: Unit,
  file: { name: string; content: Buffer },
  opts: { locale: Locale; mayName?: (unitPath: string) => boolean },
): Promise<MemberImport> {
  const { analysis } = await analyseImport(db, target, file.content, { fileName: file.name, ...opts });
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(memberImports)
      .values({
        unitId: target.id,
        createdBy: who.accountId,
        fileName: file.name.slice(0, 200),
        content: file.content,
        status: 'previewed',
        totalRows: analysis.totalRows,
        validRows: analysis.validRows,
        report: analysis,
      })
      .returning();
    await audit(tx, who, {
      action: 'member.import',
      entityType: 'member_import',
      entityId: row!.id,
      unitId: target.id,
      after: { step: 'upload', fileName: row!.fileName, bytes: file.content.length, totalRows: analysis.totalRows, validRows: analysis.validRows, errorRows: analysis.errorRows },
    });
    return row!;
  });
}

export async function getImport(db: Db, id: number): Promise<MemberImport | undefined> {
  const [row] = await db.select().from(memberImports).where(eq(memberImports.id, id));
  return row;
}

export const importJobKey = (importId: number) => `members.import:${importId}`;

/** Confirms a previewed import and queues it, in one transaction. Returns false if it was not waiting for confirmation. */
export async function confirmImport(tx: Db, who: ActingContext, importId: number, onlyValidRows: boolean): Promise<boolean> {
  const claimed = await tx
    .update(memberImports)
    .set({ status: 'queued', onlyValidRows })
    .where(and(eq(memberImports.id, importId), eq(memberImports.status, 'previewed')))
    .returning({ id: memberImports.id });
  if (claimed.length === 0) return false;
  await enqueue(tx, 'members.import', { importId, accountId: who.accountId, ip: who.ip ?? null, requestId: who.requestId ?? null }, { dedupeKey: importJobKey(importId), maxAttempts: 3 });
  return true;
}

// ——— Execution: one transaction, all rows or none ———

export type ImportOutcome = { imported: number; skipped: number } | { refused: ImportAnalysis };

/**
 * Writes the planned rows of an import inside the caller's transaction: people, member records
 * and an 'imported' event per member in batches, one 'member.import' audit entry, and the
 * import marked done. The file is checked again first; if rows that were valid in the preview
 * are no longer (a card number taken meanwhile) and the user did not choose "only valid rows",
 * nothing is written and the new analysis is returned.
 */
export async function executeImport(tx: Db, who: ActingContext, imp: MemberImport, hooks: { onProgress?: (done: number, total: number) => void | Promise<void>; today?: string; table?: Table<MemberColumn> } = {}): Promise<ImportOutcome> {
  const target = await getUnit(tx, imp.unitId);
  const previous = imp.report as ImportAnalysis | null;
  const locale = previous?.locale ?? 'vi';
  const today = hooks.today ?? todayIso();
  const { analysis, plan } = await analyseImport(tx, target, imp.content, { fileName: imp.fileName, locale, today, ...(hooks.table ? { table: hooks.table } : {}) });
  const im = importMessages(locale);
  if (plan.length === 0) return { refused: { ...analysis, failure: im.nothingValid } };
  if (analysis.errorRows > 0 && !imp.onlyValidRows) return { refused: { ...analysis, failure: im.changedSincePreview } };

  const ids = (await queryRows<{ id: number }>(tx, sql`select nextval(pg_get_serial_sequence('people', 'id'))::int as id from generate_series(1, ${plan.length})`)).map((r) => Number(r.id));
  const total = plan.length;
  let done = 0;
  for (const [n, part] of chunks(plan).entries()) {
    const base = n * CHUNK;
    await tx.insert(people).values(
      part.map((p, i) => ({
        id: ids[base + i]!,
        fullName: p.input.fullName,
        sortKey: nameSortKey(p.input.fullName),
        nameFold: foldVietnamese(p.input.fullName),
        birthDate: p.input.birthDate,
        gender: p.input.gender,
        phone: p.input.phone,
        email: p.input.email,
        phoneKind: p.input.phoneKind,
      })),
    );
    await tx.insert(members).values(
      part.map((p, i) => ({
        personId: ids[base + i]!,
        cardNumber: p.input.cardNumber,
        unitId: p.unitId,
        position: p.input.position,
        standing: p.input.standing,
        joinedOn: p.input.joinedOn,
        officialOn: p.input.officialOn,
        exempt: p.input.exempt,
        status: 'active' as const,
        statusSince: today,
      })),
    );
    await tx.insert(memberEvents).values(part.map((p, i) => ({ personId: ids[base + i]!, kind: 'imported' as const, toUnitId: p.unitId, effectiveOn: today, note: `${imp.fileName}, dòng ${p.row}`.slice(0, 300), recordedBy: who.accountId })));
    done += part.length;
    await hooks.onProgress?.(done, total);
  }
  const skipped = analysis.totalRows - plan.length;
  await audit(tx, who, {
    action: 'member.import',
    entityType: 'member_import',
    entityId: imp.id,
    unitId: target.id,
    after: { step: 'import', fileName: imp.fileName, imported: total, skippedRows: analysis.rows.filter((r) => r.errors.length).map((r) => r.row), onlyValidRows: imp.onlyValidRows, personIds: idRanges(ids) },
  });
  await tx
    .update(memberImports)
    .set({ status: 'done', importedRows: total, validRows: plan.length, totalRows: analysis.totalRows, finishedAt: new Date(), report: analysis })
    .where(eq(memberImports.id, imp.id));
  return { imported: total, skipped };
}

/** Consecutive ids as [first, last] ranges, so 20,000 imported people take a few bytes in the audit log. */
export function idRanges(ids: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const id of [...ids].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && id === last[1] + 1) last[1] = id;
    else out.push([id, id]);
  }
  return out;
}

/** PGlite serves one connection: a query outside a running transaction waits for it to end. */
function singleConnection(db: Db): boolean {
  const client = (db as unknown as { $client?: object }).$client;
  return !client || !('totalCount' in client);
}

/**
 * The job: marks the import running, then runs it in ONE transaction. A killed process leaves
 * the transaction uncommitted (nothing written) and the job is claimed again once its lock
 * expires; a finished import is never run twice.
 */
export async function runImportJob(db: Db, payload: { importId: number; accountId: number | null; ip?: string | null; requestId?: string | null }, ctx: Pick<JobContext, 'job' | 'progress'>, hooks: { onChunk?: (done: number, total: number) => void } = {}): Promise<unknown> {
  const imp = await getImport(db, payload.importId);
  if (!imp) return { skipped: 'missing' };
  if (imp.status === 'done' || imp.status === 'failed' || imp.status === 'previewed') return { skipped: imp.status };
  await db.update(memberImports).set({ status: 'running' }).where(eq(memberImports.id, imp.id));
  const who: ActingContext = { accountId: payload.accountId, ip: payload.ip ?? null, requestId: payload.requestId ?? null };
  const live = !singleConnection(db);
  try {
    // Parsing is done before the transaction: on the embedded database a transaction holds the only connection.
    const t0 = Date.now();
    const table = await readMemberTable(imp.content, imp.fileName);
    const t1 = Date.now();
    const outcome = await db.transaction(async (tx) => {
      const [locked] = await tx.select().from(memberImports).where(eq(memberImports.id, imp.id)).for('update');
      if (!locked || locked.status === 'done') return { imported: locked?.importedRows ?? 0, skipped: 0 };
      return executeImport(tx, who, locked, {
        table,
        onProgress: async (done, total) => {
          hooks.onChunk?.(done, total);
          if (live) await ctx.progress({ done, total });
        },
      });
    });
    if ('refused' in outcome) {
      await db.update(memberImports).set({ status: 'failed', report: outcome.refused, validRows: outcome.refused.validRows, finishedAt: new Date() }).where(eq(memberImports.id, imp.id));
      return { refused: true, errorRows: outcome.refused.errorRows };
    }
    return { ...outcome, readMs: t1 - t0, transactionMs: Date.now() - t1 };
  } catch (e) {
    if (ctx.job.attempts >= ctx.job.maxAttempts) {
      const previous = (imp.report as ImportAnalysis | null) ?? null;
      const failure = importMessages(previous?.locale ?? 'vi').failedAfterRetries;
      await db
        .update(memberImports)
        .set({ status: 'failed', finishedAt: new Date(), report: previous ? { ...previous, failure } : null })
        .where(eq(memberImports.id, imp.id));
    }
    throw e;
  }
}

const KEEP_DAYS = 7;

export async function purgeImports(db: Db, now = new Date()): Promise<{ removed: number; emptied: number }> {
  const before = new Date(now.getTime() - KEEP_DAYS * 24 * 3600_000);
  const removed = await db
    .delete(memberImports)
    .where(and(inArray(memberImports.status, ['previewed', 'failed']), sql`${memberImports.createdAt} < ${before}`))
    .returning({ id: memberImports.id });
  const emptied = await db
    .update(memberImports)
    .set({ content: Buffer.alloc(0) })
    .where(and(eq(memberImports.status, 'done'), sql`${memberImports.createdAt} < ${before}`, sql`octet_length(${memberImports.content}) > 0`))
    .returning({ id: memberImports.id });
  return { removed: removed.length, emptied: emptied.length };
}

export async function importJobs(queue: JobQueue): Promise<void> {
  queue.register('members.import', (payload, ctx) => runImportJob(ctx.db, payload, ctx));
  queue.register('members.import_purge', (_payload, { db }) => purgeImports(db));
  await queue.schedule('members.import_purge', '41 2 * * *', 'members.import_purge', {});
}
