// A register as an Excel workbook (the shared src/core/xlsx writer): the ten columns of
// Nghị định 30/2020/NĐ-CP Phụ lục IV, real dates shown dd/mm/yyyy, the register number as a
// number. Classified rows keep their number and dates but not their subject for those who may
// not read them — the same as the page.
import type { Locale } from '../core/i18n/i18n.ts';
import { formatDate } from '../core/i18n/i18n.ts';
import { writeXlsx, type Column } from '../core/xlsx/index.ts';
import type { Unit } from '../org/schema.ts';
import { documentMessages } from './messages.ts';
import type { RegisterRow } from './registers.ts';
import type { Direction } from './schema.ts';
import { registerColumns } from './views.tsx';

export async function registerWorkbook(locale: Locale, unit: Unit, direction: Direction, year: number, rows: RegisterRow[], readable: (r: RegisterRow) => boolean): Promise<Buffer> {
  const m = documentMessages(locale);
  const h = registerColumns(m, direction);
  const subject = (r: RegisterRow) => (readable(r) ? `${m.kinds[r.kind]}: ${r.subject}` : `${m.kinds[r.kind]} ${m.doc.classifiedRow}`);
  const urgency = (r: RegisterRow) => [r.urgency ? m.urgency[r.urgency] : null, r.secrecy ? m.secrecy[r.secrecy] : null].filter(Boolean).join(', ');
  const open = (r: RegisterRow, v: string | null) => (readable(r) ? (v ?? '') : '');
  const receipt = (r: RegisterRow) => (r.handledAt ? `${r.handledByName ?? ''} ${formatDate(r.handledAt)}`.trim() : '');
  const columns: Column<RegisterRow>[] =
    direction === 'incoming'
      ? [
          { header: h[0]!, type: 'number', width: 8, value: (r) => r.seq },
          { header: h[1]!, type: 'date', value: (r) => r.entryDate },
          { header: h[2]!, type: 'text', width: 30, value: (r) => r.counterpart ?? r.issuer ?? '' },
          { header: h[3]!, type: 'text', width: 18, value: (r) => r.number ?? '' },
          { header: h[4]!, type: 'date', value: (r) => r.date },
          { header: h[5]!, type: 'text', width: 60, value: subject },
          { header: h[6]!, type: 'text', width: 25, value: (r) => open(r, r.forwardedTo) },
          { header: h[7]!, type: 'date', value: (r) => r.dueOn },
          { header: h[8]!, type: 'text', width: 20, value: receipt },
          { header: h[9]!, type: 'text', width: 25, value: (r) => [open(r, r.note), urgency(r)].filter(Boolean).join('; ') },
        ]
      : [
          { header: h[0]!, type: 'number', width: 8, value: (r) => r.seq },
          { header: h[1]!, type: 'date', value: (r) => r.entryDate },
          { header: h[2]!, type: 'text', width: 18, value: (r) => r.number ?? '' },
          { header: h[3]!, type: 'date', value: (r) => r.date },
          { header: h[4]!, type: 'text', width: 60, value: subject },
          { header: h[5]!, type: 'text', width: 22, value: (r) => r.signer ?? '' },
          { header: h[6]!, type: 'text', width: 30, value: (r) => open(r, r.counterpart) },
          { header: h[7]!, type: 'text', width: 25, value: (r) => open(r, r.forwardedTo) },
          { header: h[8]!, type: 'number', width: 8, value: (r) => r.copies },
          { header: h[9]!, type: 'text', width: 25, value: (r) => [open(r, r.note), urgency(r)].filter(Boolean).join('; ') },
        ];
  const name = `${direction === 'incoming' ? m.nav.incomingRegister : m.nav.outgoingRegister} ${year}`;
  return writeXlsx([{ name, columns, rows }], { creator: `Sổ tay — ${unit.name}` });
}
