// What a notice says on each outside channel: one notice, or several together (the daily digest).
// In Vietnamese: the notices themselves are.
import type { NotifyUrgency } from './schema.ts';
import type { PushPayload } from './channels/push.ts';
import { smsAscii } from './channels/sms.ts';

export type Item = { eventId: number; title: string; body: string; link: string | null; urgency: NotifyUrgency | null };

export const URGENCY_LABEL: Record<NotifyUrgency, string> = { hoa_toc: 'HỎA TỐC', thuong_khan: 'THƯỢNG KHẨN', khan: 'KHẨN' };

const prefix = (u: NotifyUrgency | null) => (u ? `[${URGENCY_LABEL[u]}] ` : '');
const absolute = (base: string | undefined, path: string) => (base ? new URL(path, base).toString() : null);
const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1).trimEnd()}…`);

export function pushPayload(items: Item[]): PushPayload {
  const first = items[0]!;
  if (items.length === 1) {
    return { title: clip(`${prefix(first.urgency)}${first.title}`, 120), body: clip(first.body, 240), url: `/notifications/${first.eventId}`, tag: `n${first.eventId}`, urgent: first.urgency != null };
  }
  return {
    title: `Sổ tay: ${items.length} thông báo mới`,
    body: clip(items.map((i) => `• ${prefix(i.urgency)}${i.title}`).join('\n'), 240),
    url: '/notifications',
    tag: `digest${first.eventId}`,
    urgent: items.some((i) => i.urgency != null),
  };
}

export function emailMessage(items: Item[], publicUrl: string | undefined): { subject: string; text: string } {
  const footer = [
    '',
    '—',
    'Đồng chí nhận thư này vì đã chọn nhận thông báo của Sổ tay qua thư điện tử.',
    ...(publicUrl ? [`Đổi cách nhận thông báo: ${absolute(publicUrl, '/notifications/settings')}`] : ['Đổi cách nhận thông báo: Sổ tay → Thông báo → Cách nhận thông báo.']),
  ];
  const see = (i: Item) => {
    const url = absolute(publicUrl, `/notifications/${i.eventId}`);
    return url ? `Xem trên Sổ tay: ${url}` : 'Xem trên Sổ tay, mục Thông báo.';
  };
  if (items.length === 1) {
    const i = items[0]!;
    return { subject: clip(`${prefix(i.urgency)}${i.title}`, 200), text: [`${prefix(i.urgency)}${i.title}`, '', ...(i.body ? [i.body, ''] : []), see(i), ...footer].join('\n') };
  }
  const lines = items.flatMap((i, k) => [`${k + 1}. ${prefix(i.urgency)}${i.title}`, ...(i.body ? [`   ${clip(i.body, 300)}`] : []), `   ${see(i)}`, '']);
  return { subject: `Sổ tay: ${items.length} thông báo mới`, text: [`Sổ tay có ${items.length} thông báo mới cho đồng chí:`, '', ...lines, ...footer].join('\n') };
}

/** One SMS (160 plain characters): the notice's title, or how many there are, and where to read them. */
export function smsText(items: Item[], publicUrl: string | undefined): string {
  const where = publicUrl ? ` ${new URL(publicUrl).host}` : '';
  const first = items[0]!;
  const head = items.length === 1 ? `${prefix(first.urgency)}${first.title}` : `${items.length} thong bao moi: ${items.map((i) => `${prefix(i.urgency)}${i.title}`).join('; ')}`;
  const tail = ` - So tay${where}`;
  const text = smsAscii(head);
  const room = 160 - tail.length;
  return `${text.length <= room ? text : `${text.slice(0, room - 3).trimEnd()}...`}${tail}`;
}
