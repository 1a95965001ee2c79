// Web Push: VAPID keys made once and kept in the database (every instance signs with the same
// keys, so subscriptions survive restarts and scale-out); the payload encrypted for the device
// (RFC 8291, aes128gcm) and signed (RFC 8292) by the web-push library, and posted here with
// fetch, so a timeout or a refusal is ours to classify.
import webpush from 'web-push';
import type { Db } from '../../db/client.ts';
import { getOrCreateSetting } from '../../db/settings.ts';
import { ChannelError } from './errors.ts';

export type VapidKeys = { publicKey: string; privateKey: string };

/** The server's VAPID key pair, generated on first use and stored in `settings`. */
export function vapidKeys(db: Db): Promise<VapidKeys> {
  return getOrCreateSetting(db, 'vapid_keys', () => webpush.generateVAPIDKeys());
}

export type PushTarget = { endpoint: string; p256dh: string; auth: string };
export type PushPayload = { title: string; body: string; url: string; tag: string; urgent: boolean };

export type PushOptions = { keys: VapidKeys; contact: string; ttlSeconds: number; urgency: 'high' | 'normal'; timeoutMs?: number };

/**
 * Sends one push message. Throws ChannelError: `gone` when the push service says the
 * subscription no longer exists (404, 410), `permanent` for other refusals, otherwise transient.
 */
export async function sendPush(target: PushTarget, payload: PushPayload, opts: PushOptions): Promise<void> {
  const details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, JSON.stringify(payload), {
    vapidDetails: { subject: opts.contact, publicKey: opts.keys.publicKey, privateKey: opts.keys.privateKey },
    TTL: opts.ttlSeconds,
    urgency: opts.urgency,
    contentEncoding: 'aes128gcm',
  });
  let res: Response;
  try {
    res = await fetch(details.endpoint, { method: 'POST', headers: details.headers as Record<string, string>, body: new Uint8Array(details.body), signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000), redirect: 'error' });
  } catch (e) {
    throw new ChannelError(`Không gửi được tới dịch vụ thông báo đẩy: ${(e as Error).message}`, 'transient');
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.ok) return;
  if (res.status === 404 || res.status === 410) throw new ChannelError(`Thiết bị đã hủy đăng ký nhận thông báo (HTTP ${res.status}).`, 'gone');
  if (res.status === 429 || res.status >= 500) throw new ChannelError(`Dịch vụ thông báo đẩy tạm thời từ chối (HTTP ${res.status}).`, 'transient');
  throw new ChannelError(`Dịch vụ thông báo đẩy từ chối (HTTP ${res.status}).`, 'permanent');
}
