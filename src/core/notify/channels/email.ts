// Email over SMTP with nodemailer: one pooled connection per server URL, reused by every send job.
import nodemailer, { type Transporter } from 'nodemailer';
import { ChannelError } from './errors.ts';

const transports = new Map<string, Transporter>();

function transport(url: string): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport({ url, pool: true, maxConnections: 2, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 30_000 });
    transports.set(url, t);
  }
  return t;
}

export type Email = { to: string; subject: string; text: string };

/** Sends one message; a 5xx answer from the server is permanent, anything else is retried. */
export async function sendEmail(smtpUrl: string, from: string, mail: Email): Promise<void> {
  try {
    await transport(smtpUrl).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, headers: { 'Auto-Submitted': 'auto-generated' } });
  } catch (e) {
    const code = (e as { responseCode?: number }).responseCode;
    const message = (e as Error).message.replace(/\/\/[^@/\s]*@/g, '//***@');
    if (code && code >= 500) throw new ChannelError(`Máy chủ thư từ chối (${code}): ${message}`, 'permanent');
    throw new ChannelError(`Không gửi được thư: ${message}`, 'transient');
  }
}

/** Closes the pooled connections (tests, shutdown). */
export function closeMailTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
