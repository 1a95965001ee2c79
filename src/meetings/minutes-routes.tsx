// The minutes of a meeting: the draft made from the meeting's data, editing, approval by the
// chair and the minute-taker, new versions after approval, older versions, and the PDF.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { can } from '../core/policy/policy.ts';
import { formatDateTime } from '../core/i18n/i18n.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { ErrorSummary, Form } from '../core/layout/components.tsx';
import { getUnit } from '../org/tree.ts';
import type { Unit } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { meetingMessages } from './messages.ts';
import type { Meeting, Minutes } from './schema.ts';
import { getMeeting, loadMeetingResource } from './meetings.ts';
import { approveMinutes, currentMinutes, draftMinutes, editMinutes, listMinutes, minutesPdf, newMinutesVersion } from './minutes.ts';
import { TextArea } from '../core/layout/components.tsx';
import { MeetingCrumbs, mm } from './views.tsx';
import { byMeeting } from './routes.tsx';

const MAX_ID = 2_147_483_647;
const idParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
const versionQuery = z.object({ version: z.coerce.number().int().positive().max(10_000).optional().catch(undefined) });
type Id = { id: number };

const all = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : typeof v === 'string' ? [v] : []);

type MinutesPerms = { write: boolean; asChair: boolean; asTaker: boolean };

function MinutesPage(p: { rc: RequestContext; unit: Unit; meeting: Meeting; shown: Minutes | null; current: Minutes | null; versions: Minutes[]; perms: MinutesPerms; names: { chair: string; taker: string }; errors?: FieldErrors }) {
  const { rc, unit, meeting, shown, current, perms } = p;
  const m = mm(rc);
  const held = meeting.status === 'in_progress' || meeting.status === 'ended';
  const editable = shown && current && shown.id === current.id && shown.status === 'draft';
  const approveLabel = perms.asChair && perms.asTaker ? m.minutes.approveAsBoth : perms.asChair ? m.minutes.approveAsChair : m.minutes.approveAsTaker;
  const needsMine = shown && ((perms.asChair && !shown.chairApprovedAt) || (perms.asTaker && !shown.takerApprovedAt));
  return (
    <Layout rc={rc} title={`${m.minutes.title} — ${meeting.title}`}>
      <MeetingCrumbs rc={rc} unit={unit} meeting={meeting} page={m.minutes.title} />
      <h1>{m.minutes.title}</h1>
      <p class="muted">{meeting.title}</p>
      <ErrorSummary rc={rc} errors={p.errors} />
      {!shown ? (
        <>
          <p>{m.minutes.none}</p>
          {perms.write && held ? (
            <Form rc={rc} action={`/meetings/${meeting.id}/minutes/draft`}>
              <button type="submit" class="primary">
                {m.minutes.draft}
              </button>
            </Form>
          ) : null}
        </>
      ) : (
        <>
          <p>
            <span class="tag">{m.minutes.version(shown.version)}</span>
            <span class="tag">{shown.status === 'approved' ? m.minutes.statusApproved : m.minutes.statusDraft}</span>
          </p>
          {shown.reason ? <p>{m.minutes.reasonLine(shown.reason)}</p> : null}
          <ul>
            <li>{shown.chairApprovedAt ? m.minutes.chairApproved(formatDateTime(shown.chairApprovedAt)) : m.minutes.chairPending}</li>
            <li>{shown.takerApprovedAt ? m.minutes.takerApproved(formatDateTime(shown.takerApprovedAt)) : m.minutes.takerPending}</li>
          </ul>
          {shown.status === 'approved' ? <p class="meet-ok">{m.minutes.locked}</p> : null}
          <p>
            <a class="button" href={`/meetings/${meeting.id}/minutes.pdf?version=${shown.version}`}>
              {m.minutes.pdf}
            </a>
          </p>
          <article class="doc">
            <div class="doc-header">
              <div>
                <p>{shown.content.header.parent}</p>
                <p class="doc-issuer-name">{shown.content.header.cell}</p>
                <p>*</p>
              </div>
              <div>
                <p class="doc-motto-line">{m.minutes.party}</p>
                <p class="doc-date">{shown.content.header.placeDate}</p>
              </div>
            </div>
            <h2 class="doc-title">{m.minutes.pdfTitle}</h2>
            <p class="doc-subject">{shown.content.header.title}</p>
            <div class="doc-body">
              {shown.content.sections.map((s, i) => (
                <section key={i}>
                  <h3>{`${i + 1}. ${s.heading}`}</h3>
                  <p class="meet-notes">{s.body}</p>
                </section>
              ))}
            </div>
            <p class="muted">
              {m.minutes.takerSign}: {p.names.taker || '…'} — {m.minutes.chairSign}: {p.names.chair || '…'}
            </p>
          </article>
          {editable && needsMine ? (
            <Form rc={rc} action={`/meetings/${meeting.id}/minutes/approve`}>
              <button type="submit" class="primary">
                {approveLabel}
              </button>
            </Form>
          ) : null}
          {editable && perms.write ? (
            <>
              <h2>{m.minutes.save}</h2>
              <Form rc={rc} action={`/meetings/${meeting.id}/minutes`}>
                {shown.content.sections.map((s, i) => (
                  <fieldset key={i} class="meet-member">
                    <legend>{`${i + 1}.`}</legend>
                    <div class="field">
                      <label for={`f-heading-${i}`}>{m.minutes.heading}</label>
                      <input id={`f-heading-${i}`} name="heading" value={s.heading} maxLength={300} />
                    </div>
                    <TextArea name="body" id={`f-body-${i}`} label={m.minutes.body} value={s.body} rows={Math.min(14, Math.max(3, s.body.split('\n').length + 1))} />
                  </fieldset>
                ))}
                <fieldset class="meet-member">
                  <legend>{m.minutes.addSection}</legend>
                  <div class="field">
                    <label for="f-heading-new">{m.minutes.heading}</label>
                    <input id="f-heading-new" name="heading" value="" maxLength={300} />
                  </div>
                  <TextArea name="body" id="f-body-new" label={m.minutes.body} value="" rows={3} />
                </fieldset>
                <button type="submit" class="primary">
                  {m.minutes.save}
                </button>
              </Form>
              <Form rc={rc} action={`/meetings/${meeting.id}/minutes/draft`} confirm={m.minutes.redraftConfirm}>
                <button type="submit">{m.minutes.redraft}</button>
              </Form>
            </>
          ) : null}
          {current && shown.id === current.id && shown.status === 'approved' && perms.write ? (
            <details>
              <summary>{m.minutes.newVersion}</summary>
              <Form rc={rc} action={`/meetings/${meeting.id}/minutes/new-version`}>
                <TextArea name="reason" label={m.minutes.newVersionReason} rows={2} maxLength={500} required errors={p.errors} />
                <button type="submit">{m.minutes.newVersion}</button>
              </Form>
            </details>
          ) : null}
          {p.versions.length > 1 ? (
            <>
              <h2>{m.minutes.versions}</h2>
              <ul>
                {p.versions.map((v) => (
                  <li key={v.id}>
                    {v.id === shown.id ? (
                      <strong>{m.minutes.version(v.version)}</strong>
                    ) : (
                      <a href={`/meetings/${meeting.id}/minutes?version=${v.version}`}>{m.minutes.version(v.version)}</a>
                    )}{' '}
                    — {v.status === 'approved' ? m.minutes.statusApproved : m.minutes.statusDraft}
                    {v.approvedAt ? ` (${formatDateTime(v.approvedAt)})` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </Layout>
  );
}

async function names(rc: RequestContext, meeting: Meeting) {
  const name = async (id: number | null) => (id == null ? '' : ((await rc.db.select({ n: people.fullName }).from(people).where(eq(people.id, id)))[0]?.n ?? ''));
  return { chair: await name(meeting.chairPersonId), taker: await name(meeting.minuteTakerPersonId) };
}

/** Members read approved versions; drafts are for those who write or approve them. */
async function visibleVersions(rc: RequestContext, meeting: Meeting, perms: MinutesPerms): Promise<Minutes[]> {
  const list = await listMinutes(rc.db, meeting.id);
  return perms.write || perms.asChair || perms.asTaker ? list : list.filter((v) => v.status === 'approved');
}

async function permsFor(rc: RequestContext, meeting: Meeting): Promise<MinutesPerms> {
  const res = (await loadMeetingResource(rc.db, meeting.id))!;
  const approve = can(rc.actor, 'minutes.approve', res);
  return { write: can(rc.actor, 'meeting.write_minutes', res), asChair: approve && rc.actor!.personId === meeting.chairPersonId, asTaker: approve && rc.actor!.personId === meeting.minuteTakerPersonId };
}

async function page(rc: RequestContext, id: number, version: number | undefined, errors?: FieldErrors) {
  const meeting = await getMeeting(rc.db, id);
  const perms = await permsFor(rc, meeting);
  const versions = await visibleVersions(rc, meeting, perms);
  const shown = version ? (versions.find((v) => v.version === version) ?? null) : (versions[0] ?? null);
  if (version && !shown) throw new DomainError('not_found', rc.t.errors.notFound);
  return <MinutesPage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} shown={shown} current={await currentMinutes(rc.db, id)} versions={versions} perms={perms} names={await names(rc, meeting)} {...(errors ? { errors } : {})} />;
}

export function minutesRoutes(app: FastifyInstance): void {
  defineRoute<Id, { version?: number }>(app, {
    method: 'GET',
    url: '/meetings/:id/minutes',
    params: idParams,
    query: versionQuery,
    access: byMeeting('meeting.view'),
    handler: async (req, reply, rc) => sendPage(reply, await page(rc, req.params.id, req.query.version)),
  });

  /** Runs a minutes command; its refusal comes back on the minutes page with the message. */
  const command = (url: string, action: 'meeting.write_minutes' | 'minutes.approve', run: (rc: RequestContext, id: number, body: Record<string, unknown>) => Promise<string>) =>
    defineRoute<Id>(app, {
      method: 'POST',
      url,
      params: idParams,
      access: byMeeting(action),
      handler: async (req, reply, rc) => {
        try {
          const message = await run(rc, req.params.id, (req.body ?? {}) as Record<string, unknown>);
          return redirectWithFlash(reply, `/meetings/${req.params.id}/minutes`, message);
        } catch (e) {
          if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
          if (e.code === 'forbidden') throw e;
          return sendPage(reply, await page(rc, req.params.id, undefined, { _form: e.message }), e.status);
        }
      },
    });

  command('/meetings/:id/minutes/draft', 'meeting.write_minutes', async (rc, id) => {
    await rc.db.transaction((tx) => draftMinutes(tx, rc.who, id, rc.locale));
    return meetingMessages(rc.locale).minutes.drafted;
  });
  command('/meetings/:id/minutes', 'meeting.write_minutes', async (rc, id, body) => {
    const headings = all(body.heading).map((s) => s.normalize('NFC'));
    const bodies = all(body.body).map((s) => s.normalize('NFC'));
    const sections = headings.map((heading, i) => ({ heading, body: bodies[i] ?? '' }));
    await rc.db.transaction((tx) => editMinutes(tx, rc.who, id, sections, rc.locale));
    return meetingMessages(rc.locale).minutes.saved;
  });
  command('/meetings/:id/minutes/approve', 'minutes.approve', async (rc, id) => {
    await rc.db.transaction((tx) => approveMinutes(tx, rc.who, rc.actor!.personId, id, rc.locale));
    return meetingMessages(rc.locale).minutes.approved;
  });
  command('/meetings/:id/minutes/new-version', 'meeting.write_minutes', async (rc, id, body) => {
    const reason = String(cleanBody(body).reason ?? '');
    await rc.db.transaction((tx) => newMinutesVersion(tx, rc.who, id, reason, rc.locale));
    return meetingMessages(rc.locale).minutes.newVersionDone;
  });

  defineRoute<Id, { version?: number }>(app, {
    method: 'GET',
    url: '/meetings/:id/minutes.pdf',
    params: idParams,
    query: versionQuery,
    access: byMeeting('meeting.view'),
    handler: async (req, reply, rc) => {
      const meeting = await getMeeting(rc.db, req.params.id);
      const perms = await permsFor(rc, meeting);
      const versions = await visibleVersions(rc, meeting, perms);
      const shown = req.query.version ? versions.find((v) => v.version === req.query.version) : versions[0];
      if (!shown) throw new DomainError('not_found', rc.t.errors.notFound);
      const bytes = await minutesPdf(rc.db, meeting, shown, await getUnit(rc.db, meeting.unitId), rc.locale);
      const name = `bien-ban-${meeting.period}-${meeting.id}-v${shown.version}.pdf`;
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store').send(bytes);
    },
  });
}

