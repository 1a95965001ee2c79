// Pages of notifications: the member's inbox and one notice, the settings (large and simple,
// working without JavaScript except for turning push on for a device), the sender's list and
// delivery state, the SMS budget, and the estimate box the publishing pages show before sending.
import type { RequestContext } from '../http/context.ts';
import type { FieldErrors } from '../http/forms.ts';
import { Layout } from '../layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form, Pager } from '../layout/components.tsx';
import { assetUrl } from '../layout/assets.ts';
import { formatDateTime, formatNumber } from '../i18n/i18n.ts';
import type { Unit } from '../../org/schema.ts';
import { notifyMessages, type NotifyMessages } from './messages.ts';
import type { Prefs } from './prefs.ts';
import type { Budget } from './budget.ts';
import type { Estimate } from './notify.ts';
import { RECIPIENT_FILTERS, type Device, type DeliveryReport, type InboxItem, type RecipientFilter, type RecipientRow, type SentItem } from './inbox.ts';
import { CHANNELS, CHANNEL_LEVELS, type Channel, type ChannelLevel, type NotifyUrgency } from './schema.ts';

const m = (rc: RequestContext) => notifyMessages(rc.locale);

function UrgencyTag(props: { rc: RequestContext; urgency: NotifyUrgency | null }) {
  if (!props.urgency) return null;
  return <span class={`tag urgency-${props.urgency}`}>{m(props.rc).urgency[props.urgency]}</span>;
}

// ---------------------------------------------------------------------------------------------
// Inbox

export function InboxPage(props: { rc: RequestContext; items: InboxItem[]; page: number; hasMore: boolean; unread: number; unreadOnly: boolean; canSeeSent: boolean }) {
  const { rc } = props;
  const t = m(rc);
  const href = (page: number) => `/notifications?${props.unreadOnly ? 'unread=1&' : ''}page=${page}`;
  return (
    <Layout rc={rc} title={t.inbox.title}>
      <h1>{t.inbox.title}</h1>
      <p>{t.inbox.unreadSummary(props.unread)}</p>
      <div class="actions">
        {props.unreadOnly ? (
          <a class="button" href="/notifications">
            {t.inbox.showAll}
          </a>
        ) : (
          <a class="button" href="/notifications?unread=1">
            {t.inbox.showUnread}
          </a>
        )}
        {props.unread > 0 ? (
          <Form rc={rc} action="/notifications/read-all" class="inline">
            <button type="submit">{t.inbox.markAll}</button>
          </Form>
        ) : null}
      </div>
      {props.items.length === 0 ? (
        <p class="muted">{props.unreadOnly ? t.inbox.emptyUnread : t.inbox.empty}</p>
      ) : (
        <ul class="list notices">
          {props.items.map((i) => (
            <li key={i.eventId} class={i.readAt ? 'notice-read' : 'notice-unread'}>
              <p class="notice-title">
                {i.readAt ? null : <span class="badge">{t.inbox.unread}</span>} <UrgencyTag rc={rc} urgency={i.urgency} />
                <a href={`/notifications/${i.eventId}`}>{i.title}</a>
              </p>
              {i.body ? <p class="notice-body">{i.body.length > 200 ? `${i.body.slice(0, 199)}…` : i.body}</p> : null}
              <p class="muted notice-time">{formatDateTime(i.createdAt)}</p>
            </li>
          ))}
        </ul>
      )}
      <Pager rc={rc} page={props.page} hasMore={props.hasMore} href={href} />
      <p>
        <a href="/notifications/settings">{t.inbox.settingsLink}</a>
      </p>
      {props.canSeeSent ? (
        <p>
          <a href="/notifications/sent">{t.inbox.sentLink}</a>
        </p>
      ) : null}
    </Layout>
  );
}

export function NoticePage(props: { rc: RequestContext; item: InboxItem }) {
  const { rc, item } = props;
  const t = m(rc);
  return (
    <Layout rc={rc} title={item.title}>
      <Breadcrumbs items={[{ href: '/notifications', label: t.inbox.title }, { label: item.title }]} />
      <article class="card notice-full">
        <h1>
          <UrgencyTag rc={rc} urgency={item.urgency} /> {item.title}
        </h1>
        <p class="muted">
          {t.inbox.receivedAt} {formatDateTime(item.createdAt)}
        </p>
        {item.body
          ? item.body.split(/\n+/).map((para, k) => (
              <p key={k} class="notice-body">
                {para}
              </p>
            ))
          : null}
        {item.link ? (
          <p>
            <a class="button primary" href={item.link}>
              {t.inbox.open}
            </a>
          </p>
        ) : null}
      </article>
      <p>
        <a href="/notifications">← {t.inbox.back}</a>
      </p>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Settings

function LevelChoice(props: { rc: RequestContext; name: string; legend: string; value: ChannelLevel; notes: string[]; disabled?: boolean; errors?: FieldErrors | undefined }) {
  const t = m(props.rc);
  const error = props.errors?.[props.name];
  return (
    <fieldset class="choices" id={`f-${props.name}`} aria-describedby={error ? `f-${props.name}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.notes.map((n, k) => (
        <p class="hint" key={k}>
          {n}
        </p>
      ))}
      {error ? (
        <p class="error" id={`f-${props.name}-error`}>
          {error}
        </p>
      ) : null}
      {CHANNEL_LEVELS.map((level) => (
        <div class="check" key={level}>
          <input type="radio" id={`f-${props.name}-${level}`} name={props.name} value={level} checked={props.value === level} />
          <label for={`f-${props.name}-${level}`}>{t.settings.levels[level]}</label>
        </div>
      ))}
    </fieldset>
  );
}

function HourSelect(props: { rc: RequestContext; name: string; label: string; value: number | null; blank?: string; errors?: FieldErrors | undefined }) {
  const t = m(props.rc);
  const id = `f-${props.name}`;
  const error = props.errors?.[props.name];
  return (
    <div class={`field${error ? ' field-error' : ''}`}>
      <label for={id}>{props.label}</label>
      {error ? (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      <select id={id} name={props.name} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        {props.blank !== undefined ? (
          <option value="" selected={props.value === null}>
            {props.blank}
          </option>
        ) : null}
        {Array.from({ length: 24 }, (_x, h) => (
          <option key={h} value={String(h)} selected={props.value === h}>
            {t.settings.hour(h)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SettingsPage(props: {
  rc: RequestContext;
  prefs: Prefs;
  errors?: FieldErrors;
  person: { email: string | null; phone: string | null };
  available: Record<Channel, boolean>;
  devices: Device[];
  vapidPublicKey: string;
}) {
  const { rc, prefs, person, available } = props;
  const t = m(rc);
  const labels: Record<string, string> = { pushLevel: t.settings.push, emailLevel: t.settings.email, smsLevel: t.settings.sms, digestHour: t.settings.digestHour, quietStart: t.settings.quietStart, quietEnd: t.settings.quietEnd };
  return (
    <Layout rc={rc} title={t.settings.title}>
      <Breadcrumbs items={[{ href: '/notifications', label: t.inbox.title }, { label: t.settings.title }]} />
      <h1>{t.settings.title}</h1>
      <p>{t.settings.intro}</p>
      <p class="notice">{t.settings.hoaToc}</p>
      <ErrorSummary rc={rc} errors={props.errors} labels={labels} />

      <section class="card" aria-labelledby="devices-h">
        <h2 id="devices-h">{t.settings.devices}</h2>
        <div id="push-device" data-vapid-key={props.vapidPublicKey} data-csrf={rc.csrf} data-msg-enabled={t.settings.enabled} data-msg-disabled={t.settings.disabled} data-msg-denied={t.settings.denied} data-msg-unsupported={t.settings.unsupported} data-msg-failed={t.settings.failed}>
          <noscript>
            <p class="hint">{t.settings.noScript}</p>
          </noscript>
          <div class="actions">
            <button type="button" class="primary" data-push="enable" hidden>
              {t.settings.enable}
            </button>
            <button type="button" data-push="disable" hidden>
              {t.settings.disable}
            </button>
          </div>
          <p role="status" data-push="status" class="hint"></p>
        </div>
        {props.devices.length === 0 ? (
          <p class="muted">{t.settings.noDevices}</p>
        ) : (
          <ul class="list">
            {props.devices.map((d) => (
              <li key={d.id}>
                <p>
                  <strong>{d.label ?? t.settings.device}</strong>
                  <br />
                  <span class="muted">
                    {t.settings.deviceAdded(formatDateTime(d.createdAt))}
                    {d.lastSuccessAt ? ` · ${t.settings.lastOk(formatDateTime(d.lastSuccessAt))}` : ''}
                  </span>
                </p>
                <Form rc={rc} action={`/notifications/devices/${d.id}/delete`}>
                  <button type="submit" class="danger">
                    {t.settings.remove}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>

      <Form rc={rc} action="/notifications/settings" id="settings-form">
        <LevelChoice rc={rc} name="pushLevel" legend={t.settings.push} value={prefs.pushLevel} notes={[t.settings.pushHint]} errors={props.errors} />
        <LevelChoice
          rc={rc}
          name="emailLevel"
          legend={t.settings.email}
          value={prefs.emailLevel}
          notes={[!available.email ? t.settings.emailOff : person.email ? t.settings.emailTo(person.email) : t.settings.noEmail]}
          errors={props.errors}
        />
        <LevelChoice
          rc={rc}
          name="smsLevel"
          legend={t.settings.sms}
          value={prefs.smsLevel}
          notes={[!available.sms ? t.settings.smsOff : person.phone ? t.settings.smsTo(person.phone) : t.settings.noPhone]}
          errors={props.errors}
        />
        <fieldset class="choices">
          <legend>{t.settings.digest}</legend>
          <p class="hint">{t.settings.digestHint}</p>
          <div class="check">
            <input type="checkbox" id="f-digest" name="digest" value="1" checked={prefs.digest} />
            <label for="f-digest">{t.settings.digest}</label>
          </div>
          <HourSelect rc={rc} name="digestHour" label={t.settings.digestHour} value={prefs.digestHour} errors={props.errors} />
        </fieldset>
        <fieldset class="choices">
          <legend>{t.settings.quiet}</legend>
          <p class="hint">{t.settings.quietHint}</p>
          <HourSelect rc={rc} name="quietStart" label={t.settings.quietStart} value={prefs.quietStart} blank={t.settings.none} errors={props.errors} />
          <HourSelect rc={rc} name="quietEnd" label={t.settings.quietEnd} value={prefs.quietEnd} blank={t.settings.none} errors={props.errors} />
        </fieldset>
        <div class="actions">
          <button type="submit" class="primary">
            {t.settings.save}
          </button>
        </div>
      </Form>
      <script src={assetUrl('push.js')} defer></script>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// The sender's side

export function SentPage(props: { rc: RequestContext; items: SentItem[]; page: number; hasMore: boolean }) {
  const { rc } = props;
  const t = m(rc);
  return (
    <Layout rc={rc} title={t.sent.title}>
      <Breadcrumbs items={[{ href: '/notifications', label: t.inbox.title }, { label: t.sent.title }]} />
      <h1>{t.sent.title}</h1>
      <p>{t.sent.intro}</p>
      {props.items.length === 0 ? (
        <p class="muted">{t.sent.empty}</p>
      ) : (
        <ul class="list">
          {props.items.map((s) => (
            <li key={s.id}>
              <p class="notice-title">
                <UrgencyTag rc={rc} urgency={s.urgency} />
                <a href={`/notifications/sent/${s.id}`}>{s.title}</a>
              </p>
              <p class="muted">
                {formatDateTime(s.createdAt)}
                {s.unitName ? ` · ${s.unitName}` : ''} · {t.sent.recipients}: {s.recipients == null ? t.sent.pending : formatNumber(s.recipients, rc.locale)} · {t.sent.read}:{' '}
                {s.recipients == null ? '—' : t.sent.readOf(s.read, s.recipients)}
              </p>
            </li>
          ))}
        </ul>
      )}
      <Pager rc={rc} page={props.page} hasMore={props.hasMore} href={(p) => `/notifications/sent?page=${p}`} />
    </Layout>
  );
}

function channelLabel(t: NotifyMessages, c: Channel): string {
  return t.channel[c];
}

function StateCell(props: { rc: RequestContext; d: RecipientRow['channels'][Channel] }) {
  const t = m(props.rc);
  const d = props.d;
  if (!d) return <span class="muted">{t.report.none}</span>;
  return (
    <span class={`state state-${d.state}`}>
      {t.state[d.state]}
      {d.state === 'scheduled' ? ` (${t.report.until(formatDateTime(d.dueAt))})` : ''}
      {d.state === 'sent' && d.sentAt ? ` ${formatDateTime(d.sentAt)}` : ''}
      {d.error && d.state !== 'sent' ? (
        <>
          <br />
          <small class="muted">{d.error}</small>
        </>
      ) : null}
    </span>
  );
}

export function ReportPage(props: { rc: RequestContext; report: DeliveryReport; rows: RecipientRow[]; filter: RecipientFilter; page: number; hasMore: boolean; unitName: string | null }) {
  const { rc, report } = props;
  const t = m(rc);
  const e = report.event;
  const total = e.recipients ?? 0;
  const num = (n: number) => formatNumber(n, rc.locale);
  const href = (p: number) => `/notifications/sent/${e.id}?filter=${props.filter}&page=${p}`;
  return (
    <Layout rc={rc} title={t.report.title}>
      <Breadcrumbs items={[{ href: '/notifications', label: t.inbox.title }, { href: '/notifications/sent', label: t.sent.title }, { label: t.report.title }]} />
      <h1>{t.report.title}</h1>
      <div class="card">
        <p class="notice-title">
          <UrgencyTag rc={rc} urgency={e.urgency} /> <strong>{e.title}</strong>
        </p>
        <p class="muted">
          {formatDateTime(e.createdAt)}
          {props.unitName ? ` · ${props.unitName}` : ''}
        </p>
        {e.fannedOutAt ? (
          <p>
            <strong>{t.report.recipients(total)}</strong> · {t.report.readInApp(report.read, total)}
          </p>
        ) : (
          <p role="status">{t.report.notYet}</p>
        )}
      </div>
      <h2>{t.report.byChannel}</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.report.channel}</th>
              <th scope="col">{t.state.sent}</th>
              <th scope="col">{t.state.scheduled}</th>
              <th scope="col">{t.state.queued}</th>
              <th scope="col">{t.state.failed}</th>
              <th scope="col">{t.state.skipped}</th>
            </tr>
          </thead>
          <tbody>
            {CHANNELS.map((c) => {
              const s = report.channels[c];
              return (
                <tr key={c}>
                  <th scope="row">
                    {channelLabel(t, c)}
                    {c === 'sms' && s.costVnd > 0 ? (
                      <>
                        <br />
                        <small>
                          {t.report.cost}: {num(s.costVnd)} đ
                        </small>
                      </>
                    ) : null}
                  </th>
                  <td>{num(s.sent)}</td>
                  <td>{num(s.scheduled)}</td>
                  <td>{num(s.queued)}</td>
                  <td>{num(s.failed)}</td>
                  <td>{num(s.skipped)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h2>{t.report.perRecipient}</h2>
      <Form rc={rc} action={`/notifications/sent/${e.id}`} method="get" class="inline-form">
        <div class="field">
          <label for="f-filter">{t.report.filter}</label>
          <select id="f-filter" name="filter">
            {RECIPIENT_FILTERS.map((f) => (
              <option key={f} value={f} selected={props.filter === f}>
                {t.report.filters[f]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <button type="submit">{t.report.show}</button>
        </div>
      </Form>
      {props.rows.length === 0 ? (
        <p class="muted">{t.report.noRows}</p>
      ) : (
        <div class="table-wrap">
          <table class="register">
            <thead>
              <tr>
                <th scope="col">{t.report.name}</th>
                <th scope="col">{t.report.cell}</th>
                <th scope="col">{t.report.inApp}</th>
                {CHANNELS.map((c) => (
                  <th scope="col" key={c}>
                    {channelLabel(t, c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr key={r.personId}>
                  <td data-label={t.report.name}>{r.fullName}</td>
                  <td data-label={t.report.cell}>{r.unitName ?? t.report.none}</td>
                  <td data-label={t.report.inApp}>{r.readAt ? `${t.report.read} ${formatDateTime(r.readAt)}` : t.report.notRead}</td>
                  {CHANNELS.map((c) => (
                    <td key={c} data-label={channelLabel(t, c)}>
                      <StateCell rc={rc} d={r.channels[c]} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager rc={rc} page={props.page} hasMore={props.hasMore} href={href} />
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// SMS budget

export function BudgetPage(props: { rc: RequestContext; unit: Unit; parents: Unit[]; budget: Budget | null; children: { unit: Unit; budget: Budget | null }[]; priceVnd: number; smsAvailable: boolean; errors?: FieldErrors; value?: string }) {
  const { rc, unit } = props;
  const t = m(rc);
  const num = (n: number) => formatNumber(n, rc.locale);
  return (
    <Layout rc={rc} title={`${t.budget.title} · ${unit.name}`}>
      <Breadcrumbs items={[{ href: '/admin', label: rc.t.nav.admin }, ...props.parents.map((p) => ({ href: `/notifications/sms-budget/${p.id}`, label: p.name })), { label: unit.name }]} />
      <h1>
        {t.budget.title}: {unit.name}
      </h1>
      <p>{t.budget.intro}</p>
      {props.smsAvailable ? <p>{t.budget.price(num(props.priceVnd))}</p> : <p class="notice">{t.budget.smsOff}</p>}
      <dl class="record">
        <dt>{t.budget.monthly}</dt>
        <dd>{props.budget ? `${num(props.budget.monthlyVnd)} đ` : t.budget.noneSet}</dd>
        <dt>{t.budget.spent}</dt>
        <dd>{props.budget ? `${num(props.budget.spentVnd)} đ (${num(props.budget.messages)} ${t.budget.messages.toLowerCase()})` : '—'}</dd>
      </dl>
      <ErrorSummary rc={rc} errors={props.errors} labels={{ monthlyVnd: t.budget.monthly }} />
      <Form rc={rc} action={`/notifications/sms-budget/${unit.id}`}>
        <Field name="monthlyVnd" label={t.budget.monthly} hint={t.budget.monthlyHint} inputMode="numeric" value={props.value ?? (props.budget ? String(props.budget.monthlyVnd) : '')} errors={props.errors} required />
        <div class="actions">
          <button type="submit" class="primary">
            {t.budget.save}
          </button>
        </div>
      </Form>
      {props.children.length ? (
        <>
          <h2>{t.budget.children}</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t.budget.unit}</th>
                  <th scope="col">{t.budget.monthly}</th>
                  <th scope="col">{t.budget.spent}</th>
                </tr>
              </thead>
              <tbody>
                {props.children.map((c) => (
                  <tr key={c.unit.id}>
                    <td>
                      <a href={`/notifications/sms-budget/${c.unit.id}`}>{c.unit.name}</a>
                    </td>
                    <td>{c.budget ? `${num(c.budget.monthlyVnd)} đ` : t.budget.noneSet}</td>
                    <td>{c.budget ? `${num(c.budget.spentVnd)} đ` : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Layout>
  );
}

export function BudgetUnitsPage(props: { rc: RequestContext; units: Unit[] }) {
  const t = m(props.rc);
  return (
    <Layout rc={props.rc} title={t.budget.title}>
      <h1>{t.budget.title}</h1>
      <p>{t.budget.choose}:</p>
      <ul class="list">
        {props.units.map((u) => (
          <li key={u.id}>
            <a href={`/notifications/sms-budget/${u.id}`}>{u.name}</a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// For the publishing pages: what a send will do, before the sender confirms

/** The count and cost before a send (render it on the confirmation step when `needsConfirmation(estimate)`). */
export function EstimateBox(props: { rc: RequestContext; estimate: Estimate }) {
  const { rc, estimate: e } = props;
  const t = m(rc);
  const num = (n: number) => formatNumber(n, rc.locale);
  return (
    <section class="card estimate" aria-labelledby="estimate-h">
      <h2 id="estimate-h">{t.estimate.title}</h2>
      <p>
        <strong>{t.estimate.recipients(num(e.recipients))}</strong>
      </p>
      <p>{t.estimate.channels}</p>
      <ul>
        <li>{t.estimate.line(t.channel.inApp, num(e.recipients))}</li>
        <li>{t.estimate.line(t.channel.push, num(e.channels.push))}</li>
        <li>{e.available.email ? t.estimate.line(t.channel.email, num(e.channels.email)) : t.estimate.unavailable(t.channel.email)}</li>
        <li>{e.available.sms ? t.estimate.sms(num(e.channels.sms), num(e.smsCostVnd), num(e.smsPriceVnd)) : t.estimate.unavailable(t.channel.sms)}</li>
      </ul>
      {e.available.sms && e.channels.sms > 0 ? (
        e.budget ? (
          <p>{t.estimate.budget(num(e.budget.remainingVnd), num(e.budget.monthlyVnd))}</p>
        ) : (
          <p class="notice">{t.estimate.noBudget}</p>
        )
      ) : null}
      {e.overBudget && e.budget ? <p class="notice">{t.estimate.overBudget}</p> : null}
      <p>{t.estimate.confirm}</p>
    </section>
  );
}
