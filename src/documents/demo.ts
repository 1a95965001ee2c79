// The seed documents of demo/seeds, registered on the first seeding of the demo organisation the
// way the clerks of the pilot would have: read by the parser, then corrected where the text lacks
// what the clerk knows (the issuer when no header is printed, the date of registration, which
// office the document was forwarded to). Their citations link wherever both ends are present.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import type { Db } from '../core/db/client.ts';
import { SYSTEM_CONTEXT } from '../core/audit/audit.ts';
import { units } from '../org/schema.ts';
import { parseDocumentsWithText } from './parser/index.ts';
import { registerDocument, markHandled } from './documents.ts';
import { valuesFromParsed } from './intake.ts';
import { validateDocument } from './validation.ts';
import type { Direction } from './schema.ts';

export const SEEDS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../demo/seeds');

type Correction = {
  /** The unit (by code) whose register receives it, and in which direction. */
  unit: string;
  direction: Direction;
  entryDate: string;
  issuer?: string;
  subject?: string;
  forwardedTo?: string;
  amends?: string;
  handled?: boolean;
};

/** What the clerks knew, keyed by file and the document's position in it. */
const CLERK: Record<string, Correction[][]> = {
  '001': [
    [
      { unit: 'TB', direction: 'outgoing', entryDate: '26/08/2021', issuer: 'Tỉnh ủy Thái Bình', subject: 'Về tăng cường các biện pháp cấp bách phòng, chống dịch Covid-19' },
      { unit: 'TB-DT', direction: 'incoming', entryDate: '27/08/2021', issuer: 'Tỉnh ủy Thái Bình', subject: 'Về tăng cường các biện pháp cấp bách phòng, chống dịch Covid-19', forwardedTo: 'Các chi bộ trực thuộc' },
    ],
  ],
  '002': [[{ unit: 'TB', direction: 'incoming', entryDate: '20/09/2021', issuer: 'UBND tỉnh Nam Định', forwardedTo: 'Ban Tuyên giáo Tỉnh ủy' }]],
  '003': [[{ unit: 'TB', direction: 'incoming', entryDate: '30/07/2021', issuer: 'UBND tỉnh Thái Nguyên', forwardedTo: 'Ban Tuyên giáo Tỉnh ủy' }]],
  '004': [
    [{ unit: 'TB', direction: 'incoming', entryDate: '30/04/2021', forwardedTo: 'Chánh Văn phòng', handled: true }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '06/05/2021', issuer: 'Tỉnh ủy Bình Phước' }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '07/05/2021' }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '07/05/2021' }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '07/05/2021', issuer: 'Ban Chỉ đạo Quốc gia phòng, chống dịch Covid-19' }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '07/05/2021', amends: '597/CD-BCĐ' }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '07/05/2021', issuer: 'Bộ Y tế' }],
    [{ unit: 'TB', direction: 'incoming', entryDate: '07/05/2021', issuer: 'Tỉnh ủy Bình Phước' }],
  ],
};

/** Registers every seed document (inside the demo's seeding transaction). Returns how many were registered. */
export async function seedDemoDocuments(db: Db): Promise<number> {
  if (!fs.existsSync(SEEDS_DIR)) return 0;
  const unitIds = new Map<string, number>();
  const unitId = async (code: string) => {
    if (!unitIds.has(code)) {
      const [u] = await db.select({ id: units.id }).from(units).where(eq(units.code, code));
      if (!u) throw new Error(`demo: no unit ${code}`);
      unitIds.set(code, u.id);
    }
    return unitIds.get(code)!;
  };
  // Registered in the order they arrived, so the register numbers follow the dates of arrival.
  const planned: { file: string; index: number; doc: ReturnType<typeof parseDocumentsWithText>[number]; c: Correction; order: string }[] = [];
  for (const file of fs.readdirSync(SEEDS_DIR).filter((f) => f.endsWith('.txt')).sort()) {
    const found = parseDocumentsWithText(fs.readFileSync(path.join(SEEDS_DIR, file), 'utf8'));
    const plan = CLERK[file.slice(0, 3)] ?? [];
    for (const [index, doc] of found.entries()) {
      for (const c of plan[index] ?? []) planned.push({ file, index, doc, c, order: c.entryDate.split('/').reverse().join('-') });
    }
  }
  planned.sort((a, b) => a.order.localeCompare(b.order));
  let count = 0;
  for (const { file, index, doc, c } of planned) {
    const values = valuesFromParsed(doc.document, doc.text, c.direction, '2021-12-31');
    // The ĐẾN stamps in the seeds are another office's (Sở Tư pháp Bình Phước): the date and forwarding come from the clerk.
    Object.assign(values, { entryDate: c.entryDate, forwardedTo: c.forwardedTo ?? '' }, c.issuer ? { issuer: c.issuer } : {}, c.subject ? { subject: c.subject } : {}, c.amends ? { amends: c.amends } : {});
    const v = validateDocument({ ...values, receivedStamp: doc.document.received }, 'vi', '2021-12-31');
    if (!v.ok) throw new Error(`demo: ${file} #${index + 1}: ${JSON.stringify(v.errors)}`);
    const r = await registerDocument(db, SYSTEM_CONTEXT, { unitId: await unitId(c.unit), input: v.value });
    if (c.handled) await markHandled(db, SYSTEM_CONTEXT, r.document.id);
    count++;
  }
  return count;
}
