// Task suggestions from the numbered items of a directive: who is asked to act (lead, support)
// and by when ("trước ngày 15/10/2021", "trước 15h00' hằng ngày"). A pure function: the tasks
// feature stores and shows the suggestions for the clerk to confirm.

export type TaskDeadline =
  | { kind: 'date'; date: string; time: string | null }
  | { kind: 'recurring'; every: 'day' | 'week' | 'month'; time: string | null };

export interface SuggestedTask {
  /** The item's number as printed: "3", "5.2" for the second dash under item 5. */
  item: string;
  /** The first sentence of the item, shortened. */
  title: string;
  /** The whole item. */
  text: string;
  /** Units or people asked to act (the lead, "chủ trì"). */
  lead: string[];
  /** Units asked to support ("phối hợp với …"). */
  support: string[];
  deadline: TaskDeadline | null;
  /** The words the deadline was read from. */
  deadline_text: string | null;
}

export interface TaskSource {
  /** The body of the directive (or its whole text). */
  body: string;
  /** ISO date of the document, used for deadlines printed without a year. */
  date?: string | null;
}

const ITEM_RE = /^(\d{1,2})\s*[.)\-–]\s+(\S.*)$/u;
const SECTION_RE = /^(?:[IVXLC]{1,5}\s*[.)\-–]\s+|Nơi nhận|TM\.|KT\.|TL\.|T\/M|K\/T|T\/L)/u;
const SUB_RE = /^(?:[-–+•]|[a-zđ]\))\s*(\S.*)$/u;

const ORG_START =
  /^(?:Sở|Ban|Ủy ban|Uỷ ban|UBND|Công an|Bộ|Văn phòng|Các|các|Thủ trưởng|Chủ tịch|Giám đốc|Đài|Báo|Mặt trận|Trung tâm|Bảo hiểm|Cục|Chi cục|Tổng cục|Tỉnh đoàn|Hội|Liên đoàn|Liên minh|Quân|Cấp ủy|Cấp uỷ|Đảng ủy|Đảng uỷ|Huyện ủy|Thành ủy|Thị ủy|Tỉnh ủy|Phòng|Trường|Bệnh viện|Đảng đoàn|Ban cán sự|Người đứng đầu|Đồng chí|đồng chí|Lãnh đạo|Cơ quan|Thường trực|HĐND|Hội đồng|Viện|Thanh tra|Kho bạc|Ngân hàng|Tòa án|Toà án|Viện kiểm sát|Bộ Chỉ huy|Đoàn|Chi bộ|Tổ|Cảnh sát|Ngành|Kho|Đội|Thành phố|Huyện|Xã|Phường|UBMTTQ|MTTQ|BCĐ|Bí thư|Trưởng)/u;

const VERB_RE =
  /\s(?:chủ trì|phối hợp|chỉ đạo|thực hiện|tiếp tục|khẩn trương|tổ chức|rà soát|tăng cường|triển khai|có trách nhiệm|chịu trách nhiệm|căn cứ|theo dõi|hướng dẫn|cập nhật|báo cáo|tham mưu|xây dựng|quán triệt|đẩy mạnh|nghiên cứu|kiểm tra|phát huy|quản lý|bố trí|đảm bảo|bảo đảm|theo chức năng|trong phạm vi|nâng cao|chủ động|ban hành|phân bổ|tập trung|giám sát|xem xét|lập|cử|nắm|thường xuyên|duy trì|đôn đốc|yêu cầu|hỗ trợ|chuẩn bị|rà|siết|tuyên truyền|phân công|chấn chỉnh|phải|cần|được)(?=[\s,.;:]|$)/u;

function isoDate(y: number, m: number, d: number): string | null {
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31)) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function time(h: string | undefined, m: string | undefined): string | null {
  if (h === undefined) return null;
  const hh = Number(h);
  const mm = m ? Number(m) : 0;
  if (hh > 23 || mm > 59) return null;
  return `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`;
}

/** Reads a deadline from an item: a date ("trước ngày 15/10/2021") or a recurrence ("hằng ngày"). */
export function findDeadline(text: string, documentDate?: string | null): { deadline: TaskDeadline; text: string } | null {
  const docYear = documentDate ? Number(documentDate.slice(0, 4)) : null;
  const clock = /(\d{1,2})\s*(?:h|giờ|g)\s*(\d{2})?\s*(?:phút|')?/u;
  const recurring = /(?:trước|chậm nhất|trong ngày|vào lúc|lúc)?\s*(?:(\d{1,2})\s*(?:h|giờ|g)\s*(\d{2})?\s*(?:phút|')?\s*)?(?:các ngày\s+)?(?:hằng|hàng)\s+(ngày|tuần|tháng)/iu;
  const byDate =
    /(?:trước|chậm nhất(?:\s+là)?|hạn chót|hoàn thành)\s+(?:(\d{1,2})\s*(?:h|giờ)\s*(\d{2})?\s*'?\s*)?(?:ngày\s+)?(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{4}))?/iu;
  const byWords = /(?:trước|chậm nhất(?:\s+là)?)\s+ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?/iu;
  const inMonth = /(?:trong|xong trong|hoàn thành trong)\s+tháng\s+(\d{1,2})\s*[/.-]\s*(\d{4})/iu;

  const d1 = byDate.exec(text);
  if (d1) {
    const y = d1[5] ? Number(d1[5]) : docYear;
    const date = y ? isoDate(y, Number(d1[4]), Number(d1[3])) : null;
    if (date) return { deadline: { kind: 'date', date, time: time(d1[1], d1[2]) }, text: d1[0].trim() };
  }
  const d2 = byWords.exec(text);
  if (d2) {
    const y = d2[3] ? Number(d2[3]) : docYear;
    const date = y ? isoDate(y, Number(d2[2]), Number(d2[1])) : null;
    if (date) return { deadline: { kind: 'date', date, time: null }, text: d2[0].trim() };
  }
  const r = recurring.exec(text);
  // "hằng ngày" is a deadline only for a report or at a clock time, not "đời sống hằng ngày".
  const around = r ? text.slice(Math.max(0, r.index - 60), r.index + r[0].length + 40) : '';
  if (r && (r[1] !== undefined || /báo cáo|gửi|cập nhật|tổng hợp/iu.test(around) || clock.test(around))) {
    const every = r[3] === 'ngày' ? 'day' : r[3] === 'tuần' ? 'week' : 'month';
    let t = time(r[1], r[2]);
    if (t === null) {
      // "trước 15h00' … hằng ngày": a clock time just before the recurrence.
      const before = text.slice(Math.max(0, r.index - 40), r.index + r[0].length);
      const c = clock.exec(before);
      if (c) t = time(c[1], c[2]);
    }
    return { deadline: { kind: 'recurring', every, time: t }, text: r[0].trim() };
  }
  const m = inMonth.exec(text);
  if (m) {
    const y = Number(m[2]);
    const mo = Number(m[1]);
    const last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
    const date = isoDate(y, mo, last);
    if (date) return { deadline: { kind: 'date', date, time: null }, text: m[0].trim() };
  }
  return null;
}

function splitActors(phrase: string): string[] {
  const pieces = phrase
    .split(/\s*[,;]\s*/u)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const out: string[] = [];
  for (const p of pieces) {
    if (out.length > 0 && !ORG_START.test(p)) out[out.length - 1] = `${out[out.length - 1]}, ${p}`;
    else out.push(p);
  }
  return out.map((p) => p.replace(/[.:]+$/u, '').trim()).filter((p) => p !== '');
}

/** The units named at the start of an item ("Giao Sở Y tế chủ trì, phối hợp với …"). */
export function findAssignees(sentence: string): { lead: string[]; support: string[] } {
  const s = sentence.replace(/^(?:Giao(?:\s+cho)?|Yêu cầu|Đề nghị|Chỉ đạo|Đối với)\s+/u, '').trim();
  if (!ORG_START.test(s)) return { lead: [], support: [] };
  const colon = s.indexOf(':');
  const verb = VERB_RE.exec(s);
  let end = s.length;
  if (verb) end = verb.index;
  if (colon >= 0 && colon < end) end = colon;
  if (end > 160 || end === s.length) {
    if (colon < 0 || colon > 160) return { lead: [], support: [] };
    end = colon;
  }
  const lead = splitActors(s.slice(0, end));
  let support: string[] = [];
  const sup = /phối hợp(?:\s+chặt chẽ)?\s+với\s+(.+?)(?=\s(?:để|nhằm|tổ chức|thực hiện|triển khai|rà soát|tham mưu|kiểm tra|theo dõi|hướng dẫn|xây dựng|chỉ đạo|đảm bảo|bảo đảm|kịp thời)(?=[\s,.;:]|$)|[;.:(]|$)/u.exec(s);
  if (sup && sup[1]) support = splitActors(sup[1]);
  return { lead, support };
}

function firstSentence(text: string): string {
  const s = text.split(/(?<=[.;:])\s/u)[0] ?? text;
  return s.length > 160 ? `${s.slice(0, 157).trimEnd()}…` : s;
}

interface Item {
  number: string;
  head: string;
  subs: string[];
}

function readItems(body: string): Item[] {
  const items: Item[] = [];
  let cur: Item | null = null;
  for (const raw of body.split('\n')) {
    const line = raw.replace(/\*+/g, '').replace(/^#+\s*/, '').replace(/\s+/g, ' ').trim();
    if (line === '') continue;
    const m = ITEM_RE.exec(line);
    if (m && m[1] !== undefined && m[2] !== undefined) {
      cur = { number: m[1], head: m[2], subs: [] };
      items.push(cur);
      continue;
    }
    if (SECTION_RE.test(line)) {
      cur = null;
      continue;
    }
    if (!cur) continue;
    const sub = SUB_RE.exec(line);
    if (sub && sub[1] !== undefined) cur.subs.push(sub[1]);
    else if (cur.subs.length > 0) cur.subs.push(line);
    else cur.head = `${cur.head} ${line}`;
  }
  return items;
}

function task(number: string, text: string, assignees: { lead: string[]; support: string[] }, date?: string | null): SuggestedTask {
  const d = findDeadline(text, date);
  return {
    item: number,
    title: firstSentence(text),
    text,
    lead: assignees.lead,
    support: assignees.support,
    deadline: d?.deadline ?? null,
    deadline_text: d?.text ?? null,
  };
}

/** The units named at the start of any sentence or clause of an item, after its first. */
function clauseAssignees(text: string): { lead: string[]; support: string[] } {
  const lead: string[] = [];
  const support: string[] = [];
  const clauses = text.split(/(?<=[.;])\s+/u).slice(1);
  for (const c of clauses) {
    // "Cơ quan, đơn vị nào chủ quan, lơ là … thì xử lý": a condition, not an assignment.
    if (/^[^,;.]*(?:,[^,;.]*){0,4}\snào\s/u.test(c) && /\sthì\s/u.test(c)) continue;
    const a = findAssignees(c);
    for (const x of a.lead) if (!lead.includes(x)) lead.push(x);
    for (const x of a.support) if (!support.includes(x) && !lead.includes(x)) support.push(x);
  }
  return { lead, support };
}

/**
 * Suggests tasks from the numbered items of a directive. An item naming its units becomes one
 * task; an item whose heading names none ("5. Tiêm vắc xin:") yields one task per dash under it
 * that does; otherwise the units named at the start of a later sentence or clause of the item
 * ("… . Công an tỉnh chủ trì, …; UBND các huyện … tăng cường …"). Items with no unit are still
 * suggested (with no assignee) when they carry a deadline.
 */
export function suggestTasks(source: TaskSource): SuggestedTask[] {
  const out: SuggestedTask[] = [];
  for (const item of readItems(source.body)) {
    const full = [item.head, ...item.subs.map((s) => `- ${s}`)].join('\n');
    const head = findAssignees(item.head);
    if (head.lead.length > 0) {
      out.push(task(item.number, full, head, source.date));
      continue;
    }
    const subTasks: SuggestedTask[] = [];
    item.subs.forEach((s, i) => {
      const a = findAssignees(s);
      if (a.lead.length > 0) subTasks.push(task(`${item.number}.${i + 1}`, s, a, source.date));
    });
    if (subTasks.length > 0) out.push(...subTasks);
    else {
      // The units may be named further in ("Tiếp tục … . Công an tỉnh chủ trì, phối hợp với …; UBND các huyện … tăng cường …").
      const inner = clauseAssignees(item.head);
      const t = task(item.number, full, inner, source.date);
      if (t.deadline || inner.lead.length > 0) out.push(t);
    }
  }
  return out;
}
