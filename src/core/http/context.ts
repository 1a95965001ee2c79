// What every handler receives besides the request: the database, who is acting, their
// language and display preferences, and the CSRF token for the forms on the page.
import type { Config } from '../config.ts';
import type { Db, DbKind } from '../db/client.ts';
import type { Account } from '../auth/schema.ts';
import type { SessionRow } from '../auth/sessions.ts';
import type { Actor } from '../policy/policy.ts';
import type { ActingContext } from '../audit/audit.ts';
import type { Locale } from '../i18n/i18n.ts';
import type { CoreMessages } from '../i18n/messages.ts';
import type { Services } from '../services.ts';
import type { Feature } from '../feature.ts';

export type TextSize = 1 | 2 | 3;
export type Prefs = { textSize: TextSize; contrast: boolean };

export type RequestContext = {
  db: Db;
  dbKind: DbKind;
  config: Config;
  services: Services;
  actor: Actor | null;
  account: Account | null;
  session: SessionRow | null;
  locale: Locale;
  t: CoreMessages;
  prefs: Prefs;
  /** The token every form on this page must send back. */
  csrf: string;
  who: ActingContext;
  /** The path and query of this request, for "return to" links. */
  url: string;
  /** A one-shot message carried over a redirect. */
  flash: string | null;
  isApi: boolean;
  /** A session cookie came with the request but its session has expired or was revoked. */
  sessionExpired: boolean;
  /** The features the app runs (their `navLinks` fill the site navigation). */
  features?: readonly Feature[];
};

declare module 'fastify' {
  interface FastifyRequest {
    rc: RequestContext;
  }
}
