// SMS through a provider's HTTP interface. The adapter speaks one small, documented shape, so a
// real gateway is reached through a thin proxy or a provider that offers it:
//
//   POST SOTAY_SMS_URL
//   Authorization: Bearer SOTAY_SMS_TOKEN
//   Idempotency-Key: sotay-sms-<delivery id>      (a retried send is the same message)
//   Content-Type: application/json
//   { "to": "+84912000301", "text": "…", "sender": "SOTAY" | null, "reference": "<delivery id>" }
//
// 2xx: accepted (an optional JSON body { "id": "…" } is the provider's message id). 429, 5xx or
// no answer: retried with back-off. Other 4xx: refused for good (a bad number, say).
import { ChannelError } from './errors.ts';

export type SmsSettings = { url: string; token: string; sender: string | undefined };

/** "0912000301" → "+84912000301"; null when it is not a Vietnamese mobile number. */
export function internationalPhone(phone: string): string | null {
  const digits = phone.replace(/[\s.\-()]/g, '');
  const national = digits.startsWith('+84') ? `0${digits.slice(3)}` : digits.startsWith('84') && digits.length === 11 ? `0${digits.slice(2)}` : digits;
  return /^0\d{9}$/.test(national) ? `+84${national.slice(1)}` : null;
}

export async function sendSms(s: SmsSettings, msg: { to: string; text: string; reference: string }, timeoutMs = 15_000): Promise<{ providerId: string | null }> {
  const to = internationalPhone(msg.to);
  if (!to) throw new ChannelError(`Số điện thoại không hợp lệ: ${msg.to}`, 'permanent');
  let res: Response;
  try {
    res = await fetch(s.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/json', 'idempotency-key': `sotay-sms-${msg.reference}` },
      body: JSON.stringify({ to, text: msg.text, sender: s.sender ?? null, reference: msg.reference }),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (e) {
    throw new ChannelError(`Không gửi được tới nhà cung cấp SMS: ${(e as Error).message}`, 'transient');
  }
  const body = await res.text().catch(() => '');
  if (res.ok) {
    try {
      const id = (JSON.parse(body) as { id?: unknown }).id;
      return { providerId: id == null ? null : String(id) };
    } catch {
      return { providerId: null };
    }
  }
  const detail = body.slice(0, 200).replace(/\s+/g, ' ');
  if (res.status === 429 || res.status === 408 || res.status >= 500) throw new ChannelError(`Nhà cung cấp SMS tạm thời từ chối (HTTP ${res.status}) ${detail}`.trim(), 'transient');
  throw new ChannelError(`Nhà cung cấp SMS từ chối (HTTP ${res.status}) ${detail}`.trim(), 'permanent');
}

/** Vietnamese without diacritics (đ → d), one line: an SMS of 160 characters instead of 70. */
export function smsAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[–—]/g, '-')
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/…/g, '...')
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** SMS segments of a text of plain ASCII (GSM 7-bit): 160 in one, 153 each when split. */
export function smsSegments(text: string): number {
  return text.length <= 160 ? 1 : Math.ceil(text.length / 153);
}
