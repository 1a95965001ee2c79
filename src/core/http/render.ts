import type { FastifyReply } from 'fastify';
import type { JSX } from 'preact';
import { render } from 'preact-render-to-string';

/** Sends a server-rendered page. Text is escaped by Preact; nothing is injected raw. */
export function sendPage(reply: FastifyReply, node: JSX.Element, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(`<!doctype html>${render(node)}`);
}

/** Redirect after a POST, optionally with a one-shot message shown on the next page. */
export function redirectWithFlash(reply: FastifyReply, url: string, message?: string): FastifyReply {
  if (message) reply.setCookie('sotay_flash', message, { path: '/', httpOnly: true, sameSite: 'lax', signed: true, maxAge: 60 });
  return reply.redirect(url, 303);
}

/** Only same-site relative paths may be used as "return to" targets. */
export function safeReturnPath(value: unknown, fallback = '/'): string {
  // One leading slash, then no slash or backslash, and no control characters anywhere (browsers
  // drop tabs and newlines, turning "/\t/evil" into "//evil").
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
  if (typeof value !== 'string' || value.length > 500 || !/^\/(?![/\\])[^\x00-\x1f\x7f\\]*$/.test(value)) return fallback;
  const parsed = new URL(value, 'http://sotay.invalid');
  return parsed.origin === 'http://sotay.invalid' ? value : fallback;
}

/**
 * Content-Disposition of a download: the name in UTF-8 (RFC 6266 `filename*`) and a plain-ASCII
 * fallback for old clients (Vietnamese letters without their marks, anything else unsafe → "_").
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Sends bytes as a download under `name`; private and never stored by caches. */
export function sendAttachment(reply: FastifyReply, file: { name: string; type: string; body: Buffer | Uint8Array | string }): FastifyReply {
  return reply.type(file.type).header('content-disposition', attachmentDisposition(file.name)).header('cache-control', 'private, no-store').send(file.body);
}
