// Offline reading, server side: which account a page belongs to, and which pages the service
// worker may keep for reading without a connection.
//
// Every response to a logged-in person carries `X-Sotay-User`, an opaque tag of the account (an
// HMAC with the server's cookie key, so it names nobody). The service worker keeps pages in a
// cache named after that tag and deletes every other account's cache as soon as a page of
// another account — or a page of nobody, such as the login page after logging out — arrives.
// Pages opt in with `keepOffline` (`X-Sotay-Offline: 1`); a page showing a one-shot message is
// not kept (the message would show again offline) and the worker drops its stale copy instead.
import crypto from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { RequestContext } from '../http/context.ts';

export const USER_HEADER = 'x-sotay-user';
export const OFFLINE_HEADER = 'x-sotay-offline';
/** Sent by the service worker when it fetches a page ahead of time: opening it is not "seeing" it. */
export const PRECACHE_HEADER = 'x-sotay-precache';

const tags = new WeakMap<RequestContext, string>();

/** The opaque tag of the logged-in account (null when nobody is logged in). */
export function userTag(rc: RequestContext): string | null {
  if (!rc.actor || !rc.account || rc.session?.pendingSecondFactor) return null;
  let tag = tags.get(rc);
  if (!tag) {
    tag = crypto.createHmac('sha256', rc.services.cookieKey).update(`offline-user:${rc.account.id}`).digest('base64url').slice(0, 22);
    tags.set(rc, tag);
  }
  return tag;
}

/** Marks a page as one the member may read offline (the service worker keeps a copy per account). */
export function keepOffline(reply: FastifyReply, rc: RequestContext): void {
  if (userTag(rc) && !rc.flash) reply.header(OFFLINE_HEADER, '1');
}

/** The service worker is fetching this page ahead of time, not the member opening it. */
export function isPrecache(headers: Record<string, unknown>): boolean {
  return headers[PRECACHE_HEADER] === '1';
}

/** Pages a feature wants kept for offline reading: `pages` are fetched again each time, `documents` once. */
export type OfflinePages = { pages?: string[]; documents?: string[] };
