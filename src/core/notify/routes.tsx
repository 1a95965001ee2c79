// Routes of notifications: the member's own inbox and settings (no route names another person:
// everything is the actor's own), turning Web Push on and off for a device (JSON, from push.js),
// the sender's delivery pages and the SMS budget. The service worker is src/core/offline's.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { Feature, NavLink } from '../feature.ts';
import type { RequestContext } from '../http/context.ts';
import { defineRoute, guard } from '../http/routes.ts';
import { redirectWithFlash, sendPage } from '../http/render.ts';
import type { FieldErrors } from '../http/forms.ts';
import { loadConfig } from '../config.ts';
import { can, isSystemAdmin } from '../policy/policy.ts';
import { loadUnitResource } from '../policy/resources.ts';
import { DomainError } from '../errors.ts';
import { people } from '../../people/schema.ts';
import { ancestors, children, getUnit, roots } from '../../org/tree.ts';
import type { Unit } from '../../org/schema.ts';
import { notifyMessages } from './messages.ts';
import { registerNotifyJobs } from './jobs.ts';
import { checkPrefs, getPrefs, savePrefs, type Prefs } from './prefs.ts';
import { budgetsOf, setBudget } from './budget.ts';
import { vapidKeys } from './channels/push.ts';
import { addDevice, deliveryRecipients, deliveryReport, listDevices, listInbox, listSent, loadNotificationResource, markAllRead, openNotice, RECIPIENT_FILTERS, removeDevice, unreadCount } from './inbox.ts';
import { CHANNEL_LEVELS, type ChannelLevel } from './schema.ts';
import { BudgetPage, BudgetUnitsPage, InboxPage, NoticePage, ReportPage, SentPage, SettingsPage } from './views.tsx';

const MAX_ID = 2_147_483_647;
const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const unitParams = z.object({ unitId: z.coerce.number().int().positive().max(MAX_ID) });
const blankToUndefined = (v: unknown) => (v === '' || v == null ? undefined : v);
const pageQuery = z.object({
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100_000).optional()).catch(undefined),
  unread: z.preprocess(blankToUndefined, z.enum(['1']).optional()).catch(undefined),
});
const reportQuery = z.object({
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100_000).optional()).catch(undefined),
  filter: z.enum(RECIPIENT_FILTERS).catch('all').default('all'),
});

const SENDER_ROLES = ['committee_member', 'office_clerk', 'unit_admin'];
const own = guard('notification.inbox', () => ({ type: 'self' as const }));

/** A push endpoint a browser gave: https, a name rather than an address, so the server never posts into its own network. */
export function pushEndpointOk(endpoint: string): boolean {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    return false;
  }
  const host = u.hostname.toLowerCase();
  if (u.protocol !== 'https:' || u.username || u.password || endpoint.length > 1000) return false;
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal') || !host.includes('.')) return false;
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return false;
  return true;
}

const deviceBody = z.object({
  endpoint: z.string().max(1000),
  keys: z.object({ p256dh: z.string().max(200), auth: z.string().max(100) }),
});
const deviceRemoveBody = z.object({ endpoint: z.string().max(1000) });

/** "Chrome, Android" from a user agent — so a member can tell their devices apart. */
export function deviceLabel(ua: string | undefined): string | null {
  if (!ua) return null;
  const browser = /Edg\//.test(ua) ? 'Edge' : /SamsungBrowser/.test(ua) ? 'Samsung Internet' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : null;
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : null;
  return [browser, os].filter(Boolean).join(', ') || null;
}

// The unread count for the navigation, looked up once per page (pages render synchronously).
const unreadOf = new WeakMap<RequestContext, number>();

function levelOf(v: unknown): ChannelLevel | null {
  return typeof v === 'string' && (CHANNEL_LEVELS as readonly string[]).includes(v) ? (v as ChannelLevel) : null;
}
function hourOf(v: unknown): number | null | 'bad' {
  if (v === undefined || v === null || v === '') return null;
  if (typeof v !== 'string' || !/^\d{1,2}$/.test(v) || Number(v) > 23) return 'bad';
  return Number(v);
}

/** Reads the settings form; errors name the field, in the reader's language where the form itself is wrong. */
function readPrefsForm(rc: RequestContext, body: unknown): { prefs: Prefs; errors: FieldErrors } {
  const t = notifyMessages(rc.locale);
  const b = (body ?? {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const level = (k: 'pushLevel' | 'emailLevel' | 'smsLevel', fallback: ChannelLevel) => {
    const l = levelOf(b[k]);
    if (!l) errors[k] = t.errors.level;
    return l ?? fallback;
  };
  const hour = (k: 'digestHour' | 'quietStart' | 'quietEnd') => {
    const h = hourOf(b[k]);
    if (h === 'bad') errors[k] = t.errors.hour;
    return h === 'bad' ? null : h;
  };
  const prefs: Prefs = {
    pushLevel: level('pushLevel', 'all'),
    emailLevel: level('emailLevel', 'all'),
    smsLevel: level('smsLevel', 'urgent'),
    digest: b.digest === '1',
    digestHour: hour('digestHour') ?? 18,
    quietStart: hour('quietStart'),
    quietEnd: hour('quietEnd'),
  };
  if (b.digestHour === undefined || b.digestHour === '') errors.digestHour ??= t.errors.hour;
  // The rules between fields (both ends of the quiet hours, the digest outside them), all at once.
  for (const [k, v] of Object.entries(checkPrefs(prefs))) errors[k] ??= v;
  return { prefs, errors };
}

async function settingsPage(rc: RequestContext, reply: Parameters<typeof sendPage>[0], prefs: Prefs, errors?: FieldErrors) {
  const personId = rc.actor!.personId;
  const [person] = await rc.db.select({ email: people.email, phone: people.phone }).from(people).where(eq(people.id, personId));
  const available = { push: true, email: !!rc.config.notify.smtpUrl, sms: !!rc.config.notify.sms };
  const keys = await vapidKeys(rc.db);
  return sendPage(
    reply,
    <SettingsPage rc={rc} prefs={prefs} errors={errors} person={person ?? { email: null, phone: null }} available={available} devices={await listDevices(rc.db, personId)} vapidPublicKey={keys.publicKey} />,
    errors && Object.keys(errors).length ? 422 : 200,
  );
}

/** Units whose SMS budget the actor sets: where they are administrators (every root for system administrators). */
async function budgetUnits(rc: RequestContext): Promise<Unit[]> {
  if (isSystemAdmin(rc.actor!)) return (await roots(rc.db)).filter((u) => u.tree !== 'external');
  const ids = [...new Set(rc.actor!.grants.filter((g) => g.role === 'unit_admin' && g.unitId != null).map((g) => g.unitId!))];
  const list: Unit[] = [];
  for (const id of ids) list.push(await getUnit(rc.db, id));
  return list.filter((u) => u.tree !== 'external' && u.status === 'active');
}

async function budgetPage(rc: RequestContext, reply: Parameters<typeof sendPage>[0], unitId: number, extra: { errors?: FieldErrors; value?: string } = {}) {
  const unit = await getUnit(rc.db, unitId);
  const kids = (await children(rc.db, unit.id)).filter((u) => u.tree !== 'external');
  const budgets = await budgetsOf(rc.db, [unit.id, ...kids.map((k) => k.id)]);
  const parents = (await ancestors(rc.db, unit)).filter((p) => can(rc.actor, 'notification.sms_budget', { type: 'unit', id: p.id, path: p.path, tree: p.tree, kind: p.kind }));
  return sendPage(
    reply,
    <BudgetPage
      rc={rc}
      unit={unit}
      parents={parents}
      budget={budgets.get(unit.id) ?? null}
      children={kids.map((k) => ({ unit: k, budget: budgets.get(k.id) ?? null }))}
      priceVnd={rc.config.notify.smsPriceVnd}
      smsAvailable={!!rc.config.notify.sms}
      {...extra}
    />,
    extra.errors ? 422 : 200,
  );
}

/** The navigation's link to the inbox, with the unread count. */
export function notifyNavLinks(rc: RequestContext): NavLink[] {
  if (!rc.actor) return [];
  const t = notifyMessages(rc.locale);
  const n = unreadOf.get(rc) ?? 0;
  return [{ href: '/notifications', label: n > 0 ? t.nav.inboxUnread(n) : t.nav.inbox }];
}

export const notifyFeature: Feature = {
  name: 'notify',
  navLinks: notifyNavLinks,
  jobs: (queue) => {
    let config: ReturnType<typeof loadConfig> | undefined;
    return registerNotifyJobs(queue, () => (config ??= loadConfig()));
  },
  adminLinks: async (rc) => {
    if (!rc.actor) return [];
    const t = notifyMessages(rc.locale);
    const links = [];
    if (can(rc.actor, 'notification.sent', { type: 'self' })) links.push({ href: '/notifications/sent', label: t.nav.sent, description: t.sent.intro });
    if (isSystemAdmin(rc.actor) || rc.actor.grants.some((g) => g.role === 'unit_admin')) links.push({ href: '/notifications/sms-budget', label: t.nav.budget, description: t.budget.intro });
    return links;
  },
  routes: (app: FastifyInstance) => {
    // The unread count shown in the navigation of every page a logged-in person opens.
    app.addHook('preHandler', async (req) => {
      const rc = req.rc;
      if (req.method !== 'GET' || !rc?.actor || rc.isApi || req.url.startsWith('/static/') || req.is404) return;
      unreadOf.set(rc, await unreadCount(rc.db, rc.actor.personId));
    });

    // The inbox.
    defineRoute<unknown, z.infer<typeof pageQuery>>(app, {
      method: 'GET',
      url: '/notifications',
      query: pageQuery,
      access: own,
      handler: async (req, reply, rc) => {
        const page = req.query.page ?? 1;
        const unreadOnly = req.query.unread === '1';
        const { items, hasMore } = await listInbox(rc.db, rc.actor!.personId, { page, unreadOnly });
        const canSeeSent = rc.actor!.grants.some((g) => SENDER_ROLES.includes(g.role) || g.role === 'system_admin');
        return sendPage(reply, <InboxPage rc={rc} items={items} page={page} hasMore={hasMore} unread={await unreadCount(rc.db, rc.actor!.personId)} unreadOnly={unreadOnly} canSeeSent={canSeeSent} />);
      },
    });
    defineRoute(app, {
      method: 'POST',
      url: '/notifications/read-all',
      access: own,
      handler: async (_req, reply, rc) => {
        const n = await markAllRead(rc.db, rc.who, rc.actor!.personId);
        return redirectWithFlash(reply, '/notifications', notifyMessages(rc.locale).inbox.markedAll(n));
      },
    });

    // Settings and devices.
    defineRoute(app, {
      method: 'GET',
      url: '/notifications/settings',
      access: own,
      handler: async (_req, reply, rc) => settingsPage(rc, reply, await getPrefs(rc.db, rc.actor!.personId)),
    });
    defineRoute(app, {
      method: 'POST',
      url: '/notifications/settings',
      access: own,
      handler: async (req, reply, rc) => {
        const { prefs, errors } = readPrefsForm(rc, req.body);
        if (!Object.keys(errors).length) {
          try {
            await savePrefs(rc.db, rc.who, rc.actor!.personId, prefs);
            return redirectWithFlash(reply, '/notifications/settings', notifyMessages(rc.locale).settings.saved);
          } catch (e) {
            if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
            Object.assign(errors, (e.details?.errors as FieldErrors | undefined) ?? { _form: e.message });
          }
        }
        return settingsPage(rc, reply, prefs, errors);
      },
    });
    defineRoute<{ id: number }>(app, {
      method: 'POST',
      url: '/notifications/devices/:id/delete',
      params: idParams,
      access: own,
      handler: async (req, reply, rc) => {
        if (!(await removeDevice(rc.db, rc.who, rc.actor!.personId, { id: req.params.id }))) throw new DomainError('not_found', rc.t.errors.notFound);
        return redirectWithFlash(reply, '/notifications/settings', notifyMessages(rc.locale).settings.removed);
      },
    });
    defineRoute<unknown, unknown, z.infer<typeof deviceBody>>(app, {
      method: 'POST',
      url: '/api/v1/notifications/devices',
      body: deviceBody,
      access: own,
      doc: { summary: "Turn on Web Push for this browser (its PushSubscription, as JSON) for the logged-in person", tags: ['notifications'], response: { 201: z.object({ id: z.number() }) } },
      handler: async (req, reply, rc) => {
        if (!pushEndpointOk(req.body.endpoint)) throw new DomainError('invalid', notifyMessages(rc.locale).errors.endpoint);
        const id = await addDevice(rc.db, rc.who, rc.actor!.personId, { endpoint: req.body.endpoint, p256dh: req.body.keys.p256dh, auth: req.body.keys.auth, label: deviceLabel(req.headers['user-agent']) });
        return reply.code(201).send({ id });
      },
    });
    defineRoute<unknown, unknown, z.infer<typeof deviceRemoveBody>>(app, {
      method: 'DELETE',
      url: '/api/v1/notifications/devices',
      body: deviceRemoveBody,
      access: own,
      doc: { summary: 'Turn off Web Push for this browser (by its endpoint)', tags: ['notifications'], response: { 200: z.object({ removed: z.boolean() }) } },
      handler: async (req, _reply, rc) => ({ removed: await removeDevice(rc.db, rc.who, rc.actor!.personId, { endpoint: req.body.endpoint }) }),
    });
    defineRoute(app, {
      method: 'GET',
      url: '/api/v1/notifications/unread',
      access: own,
      doc: { summary: "The logged-in person's number of unread notifications", tags: ['notifications'], response: { 200: z.object({ unread: z.number() }) } },
      handler: async (_req, _reply, rc) => ({ unread: await unreadCount(rc.db, rc.actor!.personId) }),
    });

    // The sender's side.
    defineRoute<unknown, z.infer<typeof pageQuery>>(app, {
      method: 'GET',
      url: '/notifications/sent',
      query: pageQuery,
      access: guard('notification.sent', () => ({ type: 'self' as const })),
      handler: async (req, reply, rc) => {
        const a = rc.actor!;
        const unitPaths = isSystemAdmin(a) ? null : [...new Set(a.grants.filter((g) => g.path != null && SENDER_ROLES.includes(g.role)).map((g) => g.path!))];
        const page = req.query.page ?? 1;
        const { items, hasMore } = await listSent(rc.db, { accountId: a.accountId, unitPaths }, page);
        return sendPage(reply, <SentPage rc={rc} items={items} page={page} hasMore={hasMore} />);
      },
    });
    defineRoute<{ id: number }, z.infer<typeof reportQuery>>(app, {
      method: 'GET',
      url: '/notifications/sent/:id',
      params: idParams,
      query: reportQuery,
      access: guard('notification.deliveries', (req: { params: { id: number } }, rc) => loadNotificationResource(rc.db, req.params.id)),
      handler: async (req, reply, rc) => {
        const report = (await deliveryReport(rc.db, req.params.id))!;
        const page = req.query.page ?? 1;
        const { rows, hasMore } = await deliveryRecipients(rc.db, req.params.id, { filter: req.query.filter, page });
        const unitName = report.event.unitId ? (await getUnit(rc.db, report.event.unitId)).name : null;
        return sendPage(reply, <ReportPage rc={rc} report={report} rows={rows} filter={req.query.filter} page={page} hasMore={hasMore} unitName={unitName} />);
      },
    });

    // One notice of the member's own (after the fixed paths above).
    defineRoute<{ id: number }>(app, {
      method: 'GET',
      url: '/notifications/:id',
      params: idParams,
      access: own,
      handler: async (req, reply, rc) => {
        const item = await openNotice(rc.db, rc.actor!.personId, req.params.id);
        if (!item) throw new DomainError('not_found', rc.t.errors.notFound);
        if (!item.readAt) unreadOf.set(rc, Math.max(0, (unreadOf.get(rc) ?? 1) - 1)); // just read: the navigation counts it so
        return sendPage(reply, <NoticePage rc={rc} item={item} />);
      },
    });

    // SMS budgets.
    defineRoute(app, {
      method: 'GET',
      url: '/notifications/sms-budget',
      access: guard('admin.enter', () => ({ type: 'self' as const })),
      handler: async (_req, reply, rc) => {
        const list = await budgetUnits(rc);
        if (list.length === 1) return reply.redirect(`/notifications/sms-budget/${list[0]!.id}`, 303);
        return sendPage(reply, <BudgetUnitsPage rc={rc} units={list} />);
      },
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'GET',
      url: '/notifications/sms-budget/:unitId',
      params: unitParams,
      access: guard('notification.sms_budget', (req: { params: { unitId: number } }, rc) => loadUnitResource(rc.db, req.params.unitId)),
      handler: async (req, reply, rc) => budgetPage(rc, reply, req.params.unitId),
    });
    defineRoute<{ unitId: number }>(app, {
      method: 'POST',
      url: '/notifications/sms-budget/:unitId',
      params: unitParams,
      access: guard('notification.sms_budget', (req: { params: { unitId: number } }, rc) => loadUnitResource(rc.db, req.params.unitId)),
      handler: async (req, reply, rc) => {
        const t = notifyMessages(rc.locale);
        const raw = String((req.body as Record<string, unknown> | undefined)?.monthlyVnd ?? '').replace(/[\s.,_đ]/g, '');
        if (!/^\d{1,11}$/.test(raw)) return budgetPage(rc, reply, req.params.unitId, { errors: { monthlyVnd: t.budget.invalid }, value: String((req.body as Record<string, unknown> | undefined)?.monthlyVnd ?? '') });
        try {
          await setBudget(rc.db, rc.who, req.params.unitId, Number(raw));
        } catch (e) {
          if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
          return budgetPage(rc, reply, req.params.unitId, { errors: { monthlyVnd: e.message }, value: raw });
        }
        const unit = await getUnit(rc.db, req.params.unitId);
        return redirectWithFlash(reply, `/notifications/sms-budget/${unit.id}`, t.budget.saved(unit.name));
      },
    });
  },
};
