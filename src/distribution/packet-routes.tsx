// The print packet's page and its PDF: a plain form of checkboxes (no JavaScript needed) posted back
// to the same address, which answers with the PDF as a download. Guarded by
// 'publication.print_packet' on the cell: its secretary and deputy.
import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard } from '../core/http/routes.ts';
import { attachmentDisposition, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { formatDate, formatDateTime, todayIso } from '../core/i18n/i18n.ts';
import { can } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { ErrorSummary, Form } from '../core/layout/components.tsx';
import type { Unit } from '../org/schema.ts';
import { getUnit } from '../org/tree.ts';
import { documentMessages } from '../documents/messages.ts';
import type { Meeting } from '../meetings/schema.ts';
import { MeetingCrumbs } from '../meetings/views.tsx';
import { packetMessages } from './packet-messages.ts';
import { buildPacket, MAX_PACKET_ITEMS, packetCandidates, packetMeeting, packetMembers, type PacketCandidate } from './packet.ts';

const MAX_ID = 2_147_483_647;
const id = z.coerce.number().int().positive().max(MAX_ID);
const blank = (v: unknown) => (v === '' || v == null ? undefined : v);
const params = z.object({ id });
const query = z.object({ meeting: z.preprocess(blank, id.optional()).catch(undefined) });
type Params = { id: number };
type Query = { meeting?: number | undefined };

const byCell = guard('publication.print_packet', (req: { params: Params }, rc) => loadUnitResource(rc.db, req.params.id));
const first = (v: unknown): string => (Array.isArray(v) ? String(v[0] ?? '') : typeof v === 'string' ? v : '');
const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

/** The link on the meeting page (src/meetings), for those who may print the packet of a meeting still ahead or under way. */
export function packetLink(rc: RequestContext, unit: Unit, meeting: Meeting): ComponentChildren {
  if (meeting.status !== 'scheduled' && meeting.status !== 'in_progress') return null;
  if (!can(rc.actor, 'publication.print_packet', unitResource(unit))) return null;
  return (
    <p>
      <a class="button" href={`/units/${unit.id}/packet?meeting=${meeting.id}`}>
        {packetMessages(rc.locale).link}
      </a>
    </p>
  );
}

function candidateLabel(rc: RequestContext, c: PacketCandidate): string {
  const dm = documentMessages(rc.locale);
  const head = [c.kind ? dm.kinds[c.kind] : packetMessages(rc.locale).pdf.announcementName, c.number].filter(Boolean).join(' ');
  return `${head}${c.date ? ` (${formatDate(c.date)})` : ''} — ${c.title}`;
}

function CandidateBox(p: { rc: RequestContext; c: PacketCandidate; checked: boolean; first: boolean }) {
  const m = packetMessages(p.rc.locale).page;
  const inputId = p.first ? 'f-items' : `f-items-${p.c.key}`;
  const r = p.c.reading;
  return (
    <div class="check">
      <input type="checkbox" id={inputId} name="items" value={p.c.key} checked={p.checked} aria-describedby={r ? `${inputId}-reading` : undefined} />
      <label for={inputId}>{candidateLabel(p.rc, p.c)}</label>
      {r ? (
        <p class="hint" id={`${inputId}-reading`}>
          {m.readCount(r.done, r.expected)}
          {r.expected > 0 && r.done >= r.expected ? ` — ${m.allRead}` : ''}
        </p>
      ) : null}
    </div>
  );
}

export function PacketPage(p: { rc: RequestContext; unit: Unit; meeting: Meeting | null; candidates: PacketCandidate[]; members: number; checked: Set<string>; errors?: FieldErrors }) {
  const { rc, unit, meeting } = p;
  const m = packetMessages(rc.locale).page;
  const error = p.errors?.items;
  const materials = p.candidates.filter((c) => c.fromMeeting);
  const published = p.candidates.filter((c) => !c.fromMeeting);
  const firstKey = p.candidates[0]?.key;
  const describedBy = error ? 'f-items-error' : 'f-items-hint';
  return (
    <Layout rc={rc} title={m.title}>
      <MeetingCrumbs rc={rc} unit={unit} {...(meeting ? { meeting } : {})} page={m.title} />
      <h1>{m.title}</h1>
      <p>{m.intro}</p>
      {meeting ? (
        <dl class="record">
          <dt>{m.meeting}</dt>
          <dd>{meeting.title}</dd>
          <dt>{m.when}</dt>
          <dd>{formatDateTime(meeting.startsAt)}</dd>
          {meeting.location ? (
            <>
              <dt>{m.where}</dt>
              <dd>{meeting.location}</dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p class="notice">{m.noMeeting}</p>
      )}
      <ErrorSummary rc={rc} errors={p.errors} labels={{ items: m.items }} />
      {p.candidates.length === 0 ? (
        <p>{m.none}</p>
      ) : (
        <Form rc={rc} action={`/units/${unit.id}/packet`}>
          {meeting ? <input type="hidden" name="meeting" value={String(meeting.id)} /> : null}
          <fieldset class={`choices${error ? ' field-error' : ''}`} aria-describedby={describedBy}>
            <legend>{m.items}</legend>
            <p class="hint" id="f-items-hint">
              {m.itemsHint(MAX_PACKET_ITEMS)}
            </p>
            {error ? (
              <p class="error" id="f-items-error">
                {error}
              </p>
            ) : null}
            {materials.length ? (
              <p>
                <strong>{m.fromMeeting}</strong>
              </p>
            ) : null}
            {materials.map((c) => (
              <CandidateBox key={c.key} rc={rc} c={c} checked={p.checked.has(c.key)} first={c.key === firstKey} />
            ))}
            {published.length ? (
              <p>
                <strong>{m.published}</strong>
              </p>
            ) : null}
            {published.map((c) => (
              <CandidateBox key={c.key} rc={rc} c={c} checked={p.checked.has(c.key)} first={c.key === firstKey} />
            ))}
          </fieldset>
          <p>{m.members(p.members)}</p>
          <p class="hint">{m.noJs}</p>
          <button type="submit" class="primary">
            {m.download}
          </button>
        </Form>
      )}
    </Layout>
  );
}

async function page(rc: RequestContext, unit: Unit, meeting: Meeting | null, chosen: string[] | null, errors?: FieldErrors) {
  const candidates = await packetCandidates(rc.db, unit, meeting);
  const checked = new Set(chosen ?? candidates.filter((c) => c.preselected).map((c) => c.key));
  const members = (await packetMembers(rc.db, unit.id)).length;
  return <PacketPage rc={rc} unit={unit} meeting={meeting} candidates={candidates} members={members} checked={checked} {...(errors ? { errors } : {})} />;
}

async function meetingOf(rc: RequestContext, unit: Unit, meetingId: number | undefined): Promise<Meeting | null> {
  const meeting = await packetMeeting(rc.db, unit.id, meetingId);
  if (meeting === 'other') throw new DomainError('not_found', packetMessages(rc.locale).errors.meetingOther);
  return meeting;
}

/** "Tài liệu sinh hoạt - Chi bộ thôn Đông Thọ - 03-09-2021.pdf", with a plain-ASCII fallback. */
function contentDisposition(rc: RequestContext, unit: Unit, meeting: Meeting | null): string {
  const day = formatDate(meeting ? meeting.startsAt : todayIso()).replace(/\//g, '-');
  const name = `${packetMessages(rc.locale).fileName} - ${unit.name} - ${day}.pdf`.replace(/[\\/:*?"<>|]/g, '_');
  return attachmentDisposition(name);
}

export function packetRoutes(app: FastifyInstance): void {
  defineRoute<Params, Query>(app, {
    method: 'GET',
    url: '/units/:id/packet',
    params,
    query,
    access: byCell,
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      return sendPage(reply, await page(rc, unit, await meetingOf(rc, unit, req.query.meeting), null));
    },
  });
  defineRoute<Params>(app, {
    method: 'POST',
    url: '/units/:id/packet',
    params,
    access: byCell,
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const b = cleanBody(req.body);
      const asked = first(b.meeting);
      const meetingId = /^\d{1,9}$/.test(asked) ? Number(asked) : undefined;
      if (asked && meetingId == null) throw new DomainError('not_found', packetMessages(rc.locale).errors.meetingOther);
      const meeting = await meetingOf(rc, unit, meetingId);
      const keys = all(b.items);
      try {
        const r = await buildPacket(rc.db, rc.who, { cell: unit, meeting, keys, locale: rc.locale });
        return reply.type('application/pdf').header('content-disposition', contentDisposition(rc, unit, meeting)).header('cache-control', 'private, no-store').send(r.pdf);
      } catch (e) {
        if (!(e instanceof DomainError) || e.code !== 'invalid') throw e;
        const errors = (e.details?.errors as FieldErrors | undefined) ?? { items: e.message };
        return sendPage(reply, await page(rc, unit, meeting, keys, errors), 422);
      }
    },
  });
}

export const packetFeature: Feature = { name: 'packet', routes: packetRoutes };
