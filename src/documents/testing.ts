// Helpers for the documents feature's HTTP tests: multipart posts as a browser sends them, and
// the fields of a rendered form as a browser would submit them.
import type { FastifyInstance } from 'fastify';
import type { Client } from '../../test/kit/app.ts';

export type Part = { name: string; value: string } | { name: string; fileName: string; content: Buffer; type?: string };

/** Posts a multipart form the way a browser does (the CSRF token in the query string, as the app's forms put it). */
export async function postMultipart(c: Client, app: FastifyInstance, url: string, parts: Part[]) {
  const boundary = `----sotay${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('fileName' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.fileName}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`));
      chunks.push(p.content);
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n`));
      chunks.push(Buffer.from(p.value, 'utf8'));
    }
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const res = await app.inject({
    method: 'POST',
    url: `${url}${url.includes('?') ? '&' : '?'}_csrf=${encodeURIComponent(c.csrf)}`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    payload: Buffer.concat(chunks),
  });
  // Keep the cookies the server sets (the one-shot message after a redirect), as a browser does.
  const set = res.headers['set-cookie'];
  for (const cookie of Array.isArray(set) ? set : set ? [set] : []) {
    const [pair] = cookie.split(';');
    const i = pair!.indexOf('=');
    c.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
  }
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

/** The named fields of a rendered form, as a browser would submit them. */
export function formFields(html: string, formId: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*id="${formId}"[\\s\\S]*?</form>`).exec(html)?.[0] ?? '';
  const out: Record<string, string> = {};
  const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const m of form.matchAll(/<input[^>]*?name="([^"]+)"[^>]*?>/g)) {
    const tag = m[0];
    if (/type="(file|checkbox|radio|submit)"/.test(tag)) continue;
    out[m[1]!] = decode(/value="([^"]*)"/.exec(tag)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea[^>]*?name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) out[m[1]!] = decode(m[2]!);
  for (const m of form.matchAll(/<select[^>]*?name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) out[m[1]!] = decode(/<option[^>]*value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1] ?? '');
  return out;
}

export const asParts = (fields: Record<string, string>): Part[] => Object.entries(fields).map(([name, value]) => ({ name, value }));
