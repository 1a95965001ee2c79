// The incoming-document stamp ("ĐẾN", Nghị định 30/2020/NĐ-CP Phụ lục IV) that a receiving office
// prints or stamps on the first page: receiving body, "ĐẾN", Số, Ngày, Chuyển, Số và ký hiệu hồ sơ.
// OCR often cuts the first letters of the body line ("NG TỰ PHÁP …") and drops it in the middle of
// the header; its "Số" is a register number, not the document's number nor a reference.
import type { Line } from './lines.ts';
import { isAllCaps, isoDate, isStampDate, isStampField, isStampNumber, mottoKind, parseNumberLine, parseTypeLine } from './lines.ts';
import type { ReceivedStamp } from './types.ts';

export interface StampBlock {
  start: number;
  end: number; // exclusive
  received: ReceivedStamp;
}

function isDen(text: string): boolean {
  return /^(?:ĐẾN|ĐÉN|DEN|ĐEN)$/u.test(text);
}

function near(lines: Line[], i: number, from: number, to: number, test: (t: string) => boolean): boolean {
  for (let k = Math.max(0, i + from); k <= Math.min(lines.length - 1, i + to); k++) {
    const l = lines[k];
    if (k !== i && l && test(l.text)) return true;
  }
  return false;
}

function parseStamp(lines: Line[], start: number, end: number): ReceivedStamp {
  let number: string | null = null;
  let date: string | null = null;
  let forwarded: string | null = null;
  for (let k = start; k < end; k++) {
    const t = lines[k]?.text ?? '';
    const n = /Số\s*(?:đến\s*)?[:.]?\s*(\d+)/u.exec(t);
    if (n && n[1] !== undefined && number === null && !/ký hiệu/iu.test(t)) number = n[1];
    const d = /^Ngày\s*(?:đến\s*)?[:.]?\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})/iu.exec(t);
    if (d && date === null) {
      let y = Number(d[3]);
      if (y < 100) y += 2000;
      date = isoDate(Number(d[1]), Number(d[2]), y);
    }
    const c = /^Chuy[ểêếễe]n\s*[:.]?\s*(.*)$/iu.exec(t);
    if (c && forwarded === null) forwarded = c[1]?.trim() || null;
  }
  return { number, date, forwarded_to: forwarded };
}

/** Finds the incoming stamps; their lines are left out of every other field. */
export function findStamps(lines: Line[]): StampBlock[] {
  const blocks: StampBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line || !isStampNumber(line.text)) continue;
    const hasDate = near(lines, i, -3, 4, isStampDate);
    const hasDen = /ĐẾN/u.test(line.text) || near(lines, i, -2, 2, isDen);
    if (!hasDate && !hasDen) continue;
    let start = i;
    // Backwards: "ĐẾN" and the receiving body's name (one capital line).
    for (let k = i - 1; k >= Math.max(0, i - 3); k--) {
      const t = lines[k]?.text ?? '';
      if (t === '') continue;
      if (isDen(t) || isStampDate(t)) {
        start = k;
        continue;
      }
      if (isAllCaps(t) && t.length <= 80 && !mottoKind(t) && !parseNumberLine(t) && !parseTypeLine(t)) start = k;
      break;
    }
    let end = i + 1;
    while (end < lines.length) {
      const t = lines[end]?.text ?? '';
      if (isStampField(t) || isStampDate(t) || isDen(t)) {
        end++;
        continue;
      }
      break;
    }
    blocks.push({ start, end, received: parseStamp(lines, start, end) });
    i = end - 1;
  }
  return blocks;
}
