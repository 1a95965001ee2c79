// Exporting a unit's member list as .xlsx or .csv, in the same columns the import reads, so an
// exported file imports back cleanly. Reading personal data in bulk is recorded in the audit log.
import type { Db } from '../core/db/client.ts';
import { audit, type ActingContext } from '../core/audit/audit.ts';
import { todayIso } from '../core/i18n/i18n.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';
import { writeCsv, writeXlsx, type Column } from '../core/xlsx/index.ts';
import type { Unit } from '../org/schema.ts';
import { listMembers, type MemberListRow } from './members.ts';
import { MEMBER_COLUMN_LABEL, type MemberColumn } from './import.ts';
import type { PhoneKind } from './schema.ts';

export type ExportFormat = 'xlsx' | 'csv';
export type ExportRow = Pick<MemberListRow, 'fullName' | 'birthDate' | 'gender' | 'joinedOn' | 'officialOn' | 'cardNumber' | 'unitName' | 'position' | 'phone' | 'email' | 'standing' | 'exempt' | 'phoneKind'>;

/** The largest list one export writes (a province is about 150,000 members). */
export const EXPORT_LIMIT = 500_000;

const GENDER: Record<'male' | 'female', string> = { male: 'Nam', female: 'Nữ' };
const PHONE_KIND: Record<PhoneKind, string> = { smartphone: 'Thông minh', basic: 'Thường', none: 'Không có' };

/** The provinces' columns, always with the Vietnamese headers (it is their file format). */
export function memberExportColumns(): Column<ExportRow>[] {
  const col = (key: MemberColumn, type: Column<ExportRow>['type'], value: Column<ExportRow>['value']): Column<ExportRow> => ({ header: MEMBER_COLUMN_LABEL[key], type, value });
  return [
    col('fullName', 'text', (r) => r.fullName),
    col('birthDate', 'date', (r) => r.birthDate),
    col('gender', 'text', (r) => (r.gender ? GENDER[r.gender] : null)),
    col('joinedOn', 'date', (r) => r.joinedOn),
    col('officialOn', 'date', (r) => r.officialOn),
    col('cardNumber', 'text', (r) => r.cardNumber),
    col('unit', 'text', (r) => r.unitName),
    col('position', 'text', (r) => r.position),
    col('phone', 'text', (r) => r.phone),
    col('email', 'text', (r) => r.email),
    col('standing', 'text', (r) => (r.standing === 'probationary' ? 'Dự bị' : 'Chính thức')),
    col('exempt', 'text', (r) => (r.exempt ? 'Có' : 'Không')),
    col('phoneKind', 'text', (r) => PHONE_KIND[r.phoneKind]),
  ];
}

export function exportFileName(unit: Pick<Unit, 'id' | 'code' | 'name'>, format: ExportFormat, today = todayIso()): string {
  const slug = foldVietnamese(unit.code ?? unit.name).replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 60) || String(unit.id);
  return `dang-vien-${slug}-${today}.${format}`;
}

/**
 * The members of a cell (registered there or attending it on a temporary transfer) or of a
 * committee's whole subtree, sorted the Vietnamese way, as a file; the read is audited.
 */
export async function exportMembers(db: Db, who: ActingContext, unit: Unit, format: ExportFormat): Promise<{ body: Buffer; fileName: string; count: number }> {
  const rows = await db.transaction(async (tx) => {
    // Only records kept in this unit: members attending a cell on a temporary transfer are exported by their own unit.
    const list = (await listMembers(tx, { ...(unit.kind === 'cell' ? { cellId: unit.id } : { subtreePath: unit.path }), limit: EXPORT_LIMIT })).filter((r) => r.unitPath.startsWith(unit.path));
    await audit(tx, who, { action: 'member.export', entityType: 'unit', entityId: unit.id, unitId: unit.id, after: { format, count: list.length } });
    return list;
  });
  const columns = memberExportColumns();
  const body = format === 'xlsx' ? await writeXlsx([{ name: `Đảng viên`, columns, rows }]) : await writeCsv(columns, rows);
  return { body, fileName: exportFileName(unit, format), count: rows.length };
}

/** An empty workbook with the headers, to fill in and import. */
export async function importTemplate(): Promise<Buffer> {
  return writeXlsx([{ name: 'Đảng viên', columns: memberExportColumns(), rows: [] as ExportRow[] }]);
}
