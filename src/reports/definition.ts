// What a report template says and how a submission is checked against it: field values
// (integer, decimal, text, choice, table rows), "không âm", rules "A + B ≤ C" with a message
// naming the fields and their values; a template's own checks (fields, rules, a schedule that
// fires, the units that submit); and the daily COVID-19 situation report the product ships.
import type { Locale } from '../core/i18n/i18n.ts';
import { parseDate } from '../core/i18n/i18n.ts';
import { foldVietnamese } from '../core/text/vietnamese.ts';
import { parseTime } from '../tasks/deadline.ts';
import { formatAmount, parseNumber } from '../tasks/numbers.ts';
import { reportMessages } from './messages.ts';
import { firesAfter } from './periods.ts';
import { AGGREGATES, FIELD_TYPES, SCHEDULE_KINDS, type FieldDef, type RuleDef, type ScheduleKind, type TableColumn, type TableRowValue, type Values } from './schema.ts';
import type { UnitKind } from '../org/schema.ts';

export type Errors = Record<string, string>;
export const isNumeric = (f: Pick<FieldDef, 'type'>) => f.type === 'integer' || f.type === 'decimal';
export const MAX_TABLE_ROWS = 200;

/** The form name of a table cell. */
export const cellName = (field: string, row: number, col: string) => `${field}__${row}__${col}`;

type Raw = Record<string, unknown>;
const one = (raw: Raw, k: string) => {
  const v = raw[k];
  return (Array.isArray(v) ? String(v[0] ?? '') : v == null ? '' : String(v)).normalize('NFC').trim();
};

function readNumber(f: { type: 'integer' | 'decimal' | 'text'; min?: number | null | undefined }, s: string, m: ReturnType<typeof reportMessages>['errors']): { value: number | null; error?: string } {
  if (s === '') return { value: null };
  const n = parseNumber(s);
  if (n == null) return { value: null, error: f.type === 'integer' ? m.integer : m.decimal };
  if (f.type === 'integer' && !Number.isInteger(n)) return { value: null, error: m.integer };
  if (f.min != null && n < f.min) return { value: null, error: f.min === 0 ? m.nonNegative : m.min(String(f.min)) };
  return { value: n };
}

/**
 * Reads a submission's values from a form (a table field's cells are named by `cellName`),
 * checking each field and then the rules. Errors are keyed by field (or cell) name.
 */
export function readValues(fields: FieldDef[], rules: RuleDef[], raw: Raw, locale: Locale): { ok: true; values: Values } | { ok: false; errors: Errors; values: Values } {
  const m = reportMessages(locale).errors;
  const errors: Errors = {};
  const values: Values = {};
  for (const f of fields) {
    if (f.type === 'table') {
      const cols = f.columns ?? [];
      const rows: TableRowValue[] = [];
      for (let r = 0; r < MAX_TABLE_ROWS + 1; r++) {
        const cells = cols.map((c) => one(raw, cellName(f.key, r, c.key)));
        if (cells.every((c) => c === '')) {
          if (!cols.some((c) => cellName(f.key, r, c.key) in raw)) break;
          continue;
        }
        if (rows.length >= MAX_TABLE_ROWS) {
          errors[f.key] = m.tableRows;
          break;
        }
        const row: TableRowValue = {};
        cols.forEach((c, i) => {
          if (c.type === 'text') row[c.key] = cells[i]!.slice(0, 500) || null;
          else {
            const n = readNumber({ type: c.type, min: 0 }, cells[i]!, m);
            if (n.error) errors[cellName(f.key, r, c.key)] ??= `${m.tableCell(r + 1, c.label)} ${n.error}`;
            row[c.key] = n.value;
          }
        });
        rows.push(row);
      }
      if (f.required && rows.length === 0 && !errors[f.key]) errors[f.key] = m.tableRequired;
      values[f.key] = rows;
      continue;
    }
    const s = one(raw, f.key);
    if (s === '') {
      if (f.required) errors[f.key] = m.required;
      values[f.key] = null;
      continue;
    }
    if (isNumeric(f)) {
      const n = readNumber({ type: f.type as 'integer' | 'decimal', min: f.min }, s, m);
      if (n.error) errors[f.key] = n.error;
      values[f.key] = n.value;
    } else if (f.type === 'choice') {
      if (!(f.choices ?? []).includes(s)) errors[f.key] = m.choice;
      values[f.key] = s;
    } else {
      if (s.length > 2000) errors[f.key] = m.textLong;
      values[f.key] = s;
    }
  }
  if (Object.keys(errors).length === 0) {
    const byKey = new Map(fields.map((f) => [f.key, f]));
    for (const r of rules) {
      const left = r.left.map((k) => values[k]);
      const right = values[r.right];
      if (typeof right !== 'number' || left.some((v) => typeof v !== 'number')) continue;
      const sum = (left as number[]).reduce((a, b) => a + b, 0);
      if (sum > right) {
        const names = r.left.map((k) => byKey.get(k)?.label ?? k).join(' + ');
        errors[r.left[0]!] ??= m.rule(names, byKey.get(r.right)?.label ?? r.right, formatAmount(sum, locale), formatAmount(right, locale));
      }
    }
  }
  return Object.keys(errors).length ? { ok: false, errors, values } : { ok: true, values };
}

/** A field key from its label: folded, letters and digits joined by "_". */
export function keyOf(label: string, taken: Set<string>): string {
  let base = foldVietnamese(label)
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  if (!/^[a-z]/.test(base)) base = `f_${base}`.slice(0, 40);
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
  taken.add(key);
  return key;
}

export type TemplateInput = {
  name: string;
  description: string;
  fields: FieldDef[];
  rules: RuleDef[];
  scheduleKind: ScheduleKind;
  deadlineTime: string;
  weekday: number | null;
  monthday: number | null;
  startsOn: string;
  endsOn: string | null;
  unitKinds: UnitKind[];
};

export type RawField = { label: string; type: string; required: boolean; nonNegative: boolean; aggregate: string; unit: string; options: string };

/** Reads the template form (its field rows and rule lines) into a template, with messages per field. */
export function readTemplate(
  raw: { name: string; description: string; scheduleKind: string; deadlineTime: string; weekday: string; monthday: string; startsOn: string; endsOn: string; kinds: string[]; rules: string; fields: RawField[] },
  locale: Locale,
  now: Date,
): { ok: true; value: TemplateInput } | { ok: false; errors: Errors } {
  const m = reportMessages(locale).errors;
  const errors: Errors = {};
  const name = raw.name.replace(/\s+/g, ' ').trim();
  if (!name) errors.name = m.name;
  else if (name.length > 300) errors.name = m.nameLong;
  const taken = new Set<string>();
  const labels = new Set<string>();
  const fields: FieldDef[] = [];
  raw.fields.forEach((rf, i) => {
    const label = rf.label.replace(/\s+/g, ' ').trim();
    if (!label) return;
    const at = `field${i}_label`;
    if (label.length > 200) errors[at] ??= m.fieldLabelLong;
    const fold = foldVietnamese(label);
    if (labels.has(fold)) errors[at] ??= m.fieldDuplicate(label);
    labels.add(fold);
    if (!(FIELD_TYPES as readonly string[]).includes(rf.type)) {
      errors[`field${i}_type`] ??= m.fieldType;
      return;
    }
    const type = rf.type as FieldDef['type'];
    const lines = rf.options
      .split(/\r?\n/)
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .filter(Boolean);
    const f: FieldDef = { key: keyOf(label, taken), label, type, required: rf.required };
    if (isNumeric(f)) {
      f.min = rf.nonNegative ? 0 : null;
      f.aggregate = (AGGREGATES as readonly string[]).includes(rf.aggregate) ? (rf.aggregate as FieldDef['aggregate']) : 'sum';
      f.unit = rf.unit.trim().slice(0, 40) || null;
    }
    if (type === 'choice') {
      if (lines.length < 2) errors[`field${i}_options`] ??= m.choicesNeeded;
      f.choices = [...new Set(lines.map((l) => l.slice(0, 200)))];
    }
    if (type === 'table') {
      if (lines.length < 1) errors[`field${i}_options`] ??= m.columnsNeeded;
      const colKeys = new Set<string>();
      f.columns = lines.slice(0, 20).map((l): TableColumn => {
        const [label0, kind] = l.split('|').map((x) => x.trim());
        const text = /^(chữ|chu|text)$/i.test(kind ?? '');
        return { key: keyOf(label0 || l, colKeys), label: (label0 || l).slice(0, 100), type: text ? 'text' : 'integer' };
      });
    }
    fields.push(f);
  });
  if (fields.length === 0 && !Object.keys(errors).some((k) => k.startsWith('field'))) errors.field0_label = m.noFields;
  const rules: RuleDef[] = [];
  const numeric = fields.filter(isNumeric);
  const find = (name: string) => numeric.find((f) => foldVietnamese(f.label) === foldVietnamese(name) || f.key === name.trim());
  for (const line of raw.rules.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const parts = line.split(/<=|≤|=<|không lớn hơn|khong lon hon/i);
    if (parts.length !== 2 || !parts[0]!.trim() || !parts[1]!.trim()) {
      errors.rules ??= m.ruleLine(line);
      continue;
    }
    const left = parts[0]!.split('+').map((x) => x.trim());
    const names = [...left, parts[1]!.trim()];
    const missing = names.find((n) => !find(n));
    if (missing !== undefined) {
      errors.rules ??= m.ruleField(missing);
      continue;
    }
    rules.push({ kind: 'lte', left: left.map((n) => find(n)!.key), right: find(parts[1]!)!.key });
  }
  const kind = (SCHEDULE_KINDS as readonly string[]).includes(raw.scheduleKind) ? (raw.scheduleKind as ScheduleKind) : null;
  if (!kind) errors.scheduleKind = m.scheduleKind;
  const deadlineTime = parseTime(raw.deadlineTime || '23:59');
  if (!deadlineTime) errors.deadlineTime = m.time;
  const weekday = raw.weekday ? Number(raw.weekday) : null;
  if (kind === 'weekly' && !(weekday != null && Number.isInteger(weekday) && weekday >= 1 && weekday <= 7)) errors.weekday = m.weekday;
  const monthday = raw.monthday ? Number(raw.monthday) : null;
  if (kind === 'monthly' && !(monthday != null && Number.isInteger(monthday) && monthday >= 1 && monthday <= 31)) errors.monthday = m.monthday;
  const startsOn = raw.startsOn ? parseDate(raw.startsOn) : null;
  if (!startsOn) errors.startsOn = m.date;
  const endsOn = raw.endsOn ? parseDate(raw.endsOn) : null;
  if (raw.endsOn && !endsOn) errors.endsOn = m.date;
  if (startsOn && endsOn && endsOn < startsOn) errors.endsOn = m.endsBeforeStart;
  const unitKinds = raw.kinds as UnitKind[];
  if (unitKinds.length === 0) errors.kinds = m.kinds;
  if (kind && deadlineTime && startsOn && !errors.endsOn && !errors.weekday && !errors.monthday) {
    const s = { scheduleKind: kind, deadlineTime, weekday: kind === 'weekly' ? weekday : null, monthday: kind === 'monthly' ? monthday : null, startsOn, endsOn };
    if (!firesAfter(s, now)) errors[endsOn ? 'endsOn' : 'startsOn'] = m.neverFires;
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      description: raw.description.trim().slice(0, 5000),
      fields,
      rules,
      scheduleKind: kind!,
      deadlineTime: deadlineTime!,
      weekday: kind === 'weekly' ? weekday : null,
      monthday: kind === 'monthly' ? monthday : null,
      startsOn: startsOn!,
      endsOn,
      unitKinds,
    },
  };
}

/** The daily COVID-19 situation report (compare "Tình hình dịch Covid-19 đến ngày 23/9", seed 000). */
export const COVID_CODE = 'covid19-daily';
const count = (key: string, label: string, unit: string): FieldDef => ({ key, label, type: 'integer', required: true, min: 0, aggregate: 'sum', unit });
export const COVID_TEMPLATE = {
  code: COVID_CODE,
  name: 'Báo cáo tình hình dịch Covid-19 hằng ngày',
  description:
    'Số liệu tính đến thời điểm báo cáo trong ngày. Gửi trước 15 giờ hằng ngày về cấp huyện và tỉnh (Văn bản 107/TB-UBND: “tổng hợp số liệu báo cáo gửi về UBND tỉnh và Sở Y tế trước 15h00’ hằng ngày”).',
  fields: [
    count('facility_quarantine', 'Đang cách ly tập trung', 'người'),
    count('home_quarantine', 'Đang cách ly tại nhà', 'người'),
    count('f1', 'F1 đang theo dõi', 'người'),
    count('f2', 'F2 đang theo dõi', 'người'),
    count('tested_24h', 'Mẫu xét nghiệm trong 24 giờ', 'mẫu'),
    count('negative', 'Âm tính', 'mẫu'),
    count('positive', 'Dương tính', 'mẫu'),
    count('awaiting', 'Đang chờ kết quả', 'mẫu'),
    count('vaccine_doses', 'Mũi vắc xin tiêm trong ngày', 'mũi'),
    { key: 'notes', label: 'Tình hình nổi bật, kiến nghị', type: 'text', required: false } satisfies FieldDef,
  ] satisfies FieldDef[],
  rules: [
    { kind: 'lte', left: ['positive'], right: 'tested_24h' },
    { kind: 'lte', left: ['negative', 'positive'], right: 'tested_24h' },
  ] satisfies RuleDef[],
  scheduleKind: 'daily' as const,
  deadlineTime: '15:00',
  unitKinds: ['party_grassroots'] as UnitKind[],
};
