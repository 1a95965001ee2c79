// Routes of cell meetings: the cell's meetings, scheduling, the meeting page, attendance, agenda,
// notes, materials, quality, and the committees' roll-up. Every route is guarded by an action of
// the policy module on the cell or the meeting.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { eq, sql } from 'drizzle-orm';
import type { Feature } from '../core/feature.ts';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute, guard, self } from '../core/http/routes.ts';
import { redirectWithFlash, sendAttachment, sendPage } from '../core/http/render.ts';
import { cleanBody, formValues, type FieldErrors } from '../core/http/forms.ts';
import { can, type ResourceFor } from '../core/policy/policy.ts';
import { loadUnitResource, unitResource } from '../core/policy/resources.ts';
import { DomainError } from '../core/errors.ts';
import { formatDate, formatDateTime, parseDate, todayIso, type Locale } from '../core/i18n/i18n.ts';
import { getUnit } from '../org/tree.ts';
import type { Unit } from '../org/schema.ts';
import { people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';
import { numberKey } from '../documents/keys.ts';
import { readMultipart, safeFileName } from '../documents/uploads.ts';
import { meetingMessages } from './messages.ts';
import { MEETING_KINDS, MEETING_QUALITIES, type Meeting, type MeetingKind, type MeetingQuality } from './schema.ts';
import {
  addMaterial,
  createMeeting,
  getMaterialFile,
  getMeeting,
  getRoster,
  listMaterials,
  listMeetings,
  loadMeetingResource,
  markDocumentsReceived,
  markUnrecordedPresent,
  MeetingFormError,
  nextMeeting,
  nextPeriod,
  periodOf,
  qualityRollup,
  rateMeeting,
  recordAttendance,
  removeMaterial,
  saveNotes,
  schedulingOpensOn,
  setAgenda,
  setRoles,
  setStatus,
  syncRoster,
  updateMeeting,
  type AttendanceEntry,
  type MeetingInput,
  type RosterEntry,
} from './meetings.ts';
import { quorum } from './quorum.ts';
import { LiveHub, signalMeeting } from './live.ts';
import { queryRows } from '../core/db/client.ts';
import { ROOM_JS } from './assets.ts';
import { AgendaPage, AttendancePage, MeetingFormPage, MeetingListPage, MeetingPage, NotesPage, RollupPage, type MeetingPerms } from './views.tsx';
import type { ComponentChildren } from 'preact';
import { roomExtension } from './room.tsx';
import { questionRoutes } from './votes-routes.tsx';
import { minutesRoutes } from './minutes-routes.tsx';
import { evaluationLinks, evaluationRoutes } from './evaluation-routes.tsx';
import { evaluationMessages } from './evaluation-messages.ts';
import { addUnitSection } from '../org/routes.tsx';
import { UnitMeetingsSection } from './views.tsx';
import { packetLink } from '../distribution/packet-routes.tsx';

/** On a cell's page: its next meeting; on a committee's page: the roll-ups of the cells below. */
async function unitSection(rc: RequestContext, unit: Unit) {
  const res = unitResource(unit);
  if (unit.kind === 'cell') {
    if (!can(rc.actor, 'meeting.list', res)) return null;
    return <UnitMeetingsSection rc={rc} unit={unit} next={await nextMeeting(rc.db, unit.id)} links={[]} />;
  }
  if (unit.tree !== 'party' || !can(rc.actor, 'meeting.rollup', res)) return null;
  const e = evaluationMessages(rc.locale);
  const links = [
    { href: `/units/${unit.id}/meeting-quality`, label: meetingMessages(rc.locale).list.rollup },
    { href: `/units/${unit.id}/evaluation-rollup`, label: e.rollup.link },
    ...(can(rc.actor, 'evaluation.approve', res) ? [{ href: `/units/${unit.id}/evaluation-approval`, label: e.approval.link }] : []),
  ];
  return <UnitMeetingsSection rc={rc} unit={unit} next={null} links={links} />;
}

const MAX_ID = 2_147_483_647;
const idParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID) });
const materialParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID), materialId: z.coerce.number().int().positive().max(MAX_ID) });
type Id = { id: number };

type CellAction = 'meeting.list' | 'meeting.schedule' | 'meeting.rollup';
type MeetingAction = 'meeting.view' | 'meeting.run' | 'meeting.write_minutes' | 'meeting.answer' | 'meeting.answer_for_member' | 'minutes.approve';
/** Guards on the cell (all these actions apply to a unit). */
export const byCell = (action: CellAction) => guard(action as 'meeting.list', (req: { params: Id }, rc) => loadUnitResource(rc.db, req.params.id));
/** Guards on the meeting (all these actions apply to a meeting). */
export const byMeeting = (action: MeetingAction) => guard(action as 'meeting.view', (req: { params: Id }, rc) => loadMeetingResource(rc.db, req.params.id));

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Reads the meeting form; per-field messages in the reader's language. */
export function parseMeetingForm(body: unknown, locale: Locale, kindFixed?: MeetingKind): { ok: true; input: MeetingInput } | { ok: false; errors: FieldErrors } {
  const m = meetingMessages(locale).errors;
  const b = cleanBody(body);
  const errors: FieldErrors = {};
  const kind = (kindFixed ?? str(b.kind)) as MeetingKind;
  if (!MEETING_KINDS.includes(kind)) errors.kind = m.kindRequired;
  const date = parseDate(str(b.date));
  if (!date) errors.date = m.dateInvalid;
  const tm = /^(\d{1,2})[:hg.](\d{2})$/i.exec(str(b.time));
  const time = tm && Number(tm[1]) < 24 && Number(tm[2]) < 60 ? `${tm[1]!.padStart(2, '0')}:${tm[2]}` : null;
  if (!time) errors.time = m.timeInvalid;
  const duration = Number(str(b.durationMinutes));
  if (!Number.isInteger(duration) || duration < 15 || duration > 600) errors.durationMinutes = m.durationInvalid;
  const onlineUrl = str(b.onlineUrl) || null;
  if (onlineUrl) {
    if (!isHttpsUrl(onlineUrl)) errors.onlineUrl = m.urlInvalid;
  }
  const location = str(b.location) || null;
  const topic = str(b.topic) || null;
  const title = str(b.title) || null;
  if ((location?.length ?? 0) > 200) errors.location = m.tooLongText;
  if ((topic?.length ?? 0) > 300) errors.topic = m.tooLongText;
  if ((title?.length ?? 0) > 300) errors.title = m.tooLongText;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, input: { kind, date: date!, time: time!, durationMinutes: duration, location, onlineUrl, topic, title } };
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:' && value.length <= 500;
  } catch {
    return false;
  }
}

function meetingValues(meeting: Meeting): Record<string, string> {
  const d = formatDateTime(meeting.startsAt);
  return {
    kind: meeting.kind,
    date: d.slice(0, 10),
    time: d.slice(11, 16),
    durationMinutes: String(meeting.durationMinutes),
    location: meeting.location ?? '',
    onlineUrl: meeting.onlineUrl ?? '',
    topic: meeting.topic ?? '',
    title: meeting.title,
  };
}

/** What the meeting's room shows and pushes live: a version to notice structural changes, and the numbers. */
export type RoomExtension = {
  /** Parts of the room page (questions) for this viewer. */
  render: (rc: RequestContext, meeting: Meeting, roster: RosterEntry[]) => Promise<{ questions?: ComponentChildren; minutesLink?: ComponentChildren; version?: string }>;
  /** The numbers pushed live. */
  summary: (db: RequestContext['db'], meeting: Meeting, roster: RosterEntry[]) => Promise<{ version: string; questions: unknown[] }>;
};

async function personName(rc: RequestContext, id: number | null): Promise<string> {
  if (id == null) return '';
  const [p] = await rc.db.select({ n: people.fullName }).from(people).where(eq(people.id, id));
  return p?.n ?? '';
}

export function permsOf(rc: RequestContext, res: ResourceFor<'meeting.view'>): MeetingPerms {
  return { run: can(rc.actor, 'meeting.run', res), writeMinutes: can(rc.actor, 'meeting.write_minutes', res), rate: can(rc.actor, 'meeting.run', res) };
}

/** Runs a command and redirects with a message; a domain error shows on the meeting page. */
async function command(rc: RequestContext, reply: FastifyReply, meetingId: number, run: () => Promise<string>, back = `/meetings/${meetingId}`) {
  try {
    const message = await run();
    return redirectWithFlash(reply, back, message);
  } catch (e) {
    if (!(e instanceof DomainError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
    return redirectWithFlash(reply, back, e.message);
  }
}

async function findLibraryDocument(rc: RequestContext, unit: Unit, query: string): Promise<{ id: number } | null> {
  const q = query.trim();
  const asId = /^\d+$/.test(q) ? Number(q) : null;
  const key = numberKey(q);
  const rows = asId
    ? await rc.db.select({ id: documents.id, unitId: documents.unitId, secrecy: documents.secrecy }).from(documents).where(eq(documents.id, asId))
    : key
      ? await rc.db.select({ id: documents.id, unitId: documents.unitId, secrecy: documents.secrecy }).from(documents).where(eq(documents.numberKey, key))
      : [];
  for (const d of rows) {
    const owner = await loadUnitResource(rc.db, d.unitId);
    if (owner && can(rc.actor, 'document.view', { type: 'document', id: d.id, unitPath: owner.path, classified: d.secrecy != null })) return { id: d.id };
    // A document published to this cell (distribution) may also be a material.
    const published = await queryRows(
      rc.db,
      sql`select 1 from publications p join publication_audience a on a.publication_id = p.id join units u on u.id = a.unit_id where p.document_id = ${d.id} and ${unit.path} like u.path || '%' limit 1`,
    );
    if (published.length) return { id: d.id };
  }
  return null;
}

export function meetingRoutes(app: FastifyInstance, ext: RoomExtension | null = null): LiveHub {
  const hub = new LiveHub(
    async (db, meetingId) => {
      const meeting = await getMeeting(db, meetingId);
      const roster = await getRoster(db, meetingId);
      const q = quorum(roster);
      const extra = ext ? await ext.summary(db, meeting, roster) : { version: '', questions: [] };
      return {
        version: `${meeting.status}|${extra.version}`,
        stamp: Date.now(),
        present: roster.filter((r) => r.attendance === 'present').length,
        quorum: { presentVoters: q.presentVoters, base: q.base, needed: q.needed },
        questions: extra.questions,
      };
    },
    (msg, err) => app.log.warn({ err }, msg),
  );
  // Open streams would keep the server from closing: end them first (browsers reconnect elsewhere).
  app.addHook('preClose', async () => hub.endAll());
  app.addHook('onClose', async () => hub.stop());

  defineRoute(app, {
    method: 'GET',
    url: '/meetings/static/room.js',
    access: self(),
    handler: (req, reply) => {
      const cache = (req.query as Record<string, string>).v === ROOM_JS.hash ? 'private, max-age=31536000, immutable' : 'private, max-age=300';
      return reply.type('text/javascript; charset=utf-8').header('cache-control', cache).send(ROOM_JS.body);
    },
  });

  // The cell's meetings.
  defineRoute<Id>(app, {
    method: 'GET',
    url: '/units/:id/meetings',
    params: idParams,
    access: byCell('meeting.list'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const res = unitResource(unit);
      const m = meetingMessages(rc.locale);
      const list = await listMeetings(rc.db, unit.id, { limit: 36 });
      const canSchedule = can(rc.actor, 'meeting.schedule', res);
      let hint: string | null = null;
      if (canSchedule) {
        const now = new Date();
        const next = nextPeriod(periodOf(now));
        const month = `${next.slice(5, 7)}/${next.slice(0, 4)}`;
        const has = list.some((x) => x.kind === 'regular' && x.period === next && x.status !== 'cancelled');
        if (!has) hint = todayIso(now) >= schedulingOpensOn(next) ? m.list.dueHint(month) : m.list.opensHint(month, formatDate(schedulingOpensOn(next)));
      }
      return sendPage(reply, <MeetingListPage rc={rc} unit={unit} meetings={list} next={await nextMeeting(rc.db, unit.id)} canSchedule={canSchedule} hint={hint} canRollup={can(rc.actor, 'meeting.rollup', res)} links={await evaluationLinks(rc, unit)} />);
    },
  });

  defineRoute<Id>(app, {
    method: 'GET',
    url: '/units/:id/meetings/new',
    params: idParams,
    access: byCell('meeting.schedule'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      return sendPage(reply, <MeetingFormPage rc={rc} unit={unit} values={{ kind: 'regular', durationMinutes: '90', time: '19:30' }} />);
    },
  });

  defineRoute<Id>(app, {
    method: 'POST',
    url: '/units/:id/meetings',
    params: idParams,
    access: byCell('meeting.schedule'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const parsed = parseMeetingForm(req.body, rc.locale);
      const values = formValues(req.body);
      if (!parsed.ok) return sendPage(reply, <MeetingFormPage rc={rc} unit={unit} values={values} errors={parsed.errors} />, 422);
      try {
        const meeting = await rc.db.transaction((tx) => createMeeting(tx, rc.who, unit, parsed.input, { locale: rc.locale, chairPersonId: rc.actor!.personId }));
        return redirectWithFlash(reply, `/meetings/${meeting.id}`, meetingMessages(rc.locale).form.created);
      } catch (e) {
        if (e instanceof MeetingFormError) return sendPage(reply, <MeetingFormPage rc={rc} unit={unit} values={values} errors={e.fields} />, 422);
        throw e;
      }
    },
  });

  // The meeting (the room).
  async function meetingPage(rc: RequestContext, id: number, extra: { errors?: FieldErrors; values?: Record<string, string> } = {}) {
    const meeting = await getMeeting(rc.db, id);
    const unit = await getUnit(rc.db, meeting.unitId);
    const res = (await loadMeetingResource(rc.db, id))!;
    if (meeting.status === 'scheduled' || meeting.status === 'in_progress') await rc.db.transaction((tx) => syncRoster(tx, id, unit.id));
    const roster = await getRoster(rc.db, id);
    const parts = ext ? await ext.render(rc, meeting, roster) : {};
    return (
      <MeetingPage
        rc={rc}
        unit={unit}
        meeting={meeting}
        roster={roster}
        quorum={quorum(roster)}
        materials={await listMaterials(rc.db, id)}
        chairName={await personName(rc, meeting.chairPersonId)}
        takerName={await personName(rc, meeting.minuteTakerPersonId)}
        perms={permsOf(rc, res)}
        questions={parts.questions}
        minutesLink={parts.minutesLink}
        packetLink={packetLink(rc, unit, meeting)}
        version={`${meeting.status}|${parts.version ?? ''}`}
        {...extra}
      />
    );
  }

  defineRoute<Id>(app, {
    method: 'GET',
    url: '/meetings/:id',
    params: idParams,
    access: byMeeting('meeting.view'),
    handler: async (req, reply, rc) => sendPage(reply, await meetingPage(rc, req.params.id)),
  });

  // Live numbers (server-sent events) for everyone in the room.
  defineRoute<Id>(app, {
    method: 'GET',
    url: '/meetings/:id/live',
    params: idParams,
    access: byMeeting('meeting.view'),
    handler: async (req, reply, rc) => {
      const id = req.params.id;
      const first = await hub.summary(rc.db, id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
      res.write(`retry: 3000\ndata: ${first}\n\n`);
      let unsubscribe = () => {};
      let closed = false;
      const ping = setInterval(() => res.write(': ping\n\n'), 25_000);
      ping.unref();
      const done = () => {
        closed = true;
        clearInterval(ping);
        unsubscribe();
      };
      req.raw.on('close', done);
      res.on('error', done);
      unsubscribe = await hub.subscribe(
        rc.db,
        id,
        (data) => res.write(`data: ${data}\n\n`),
        () => res.end(),
      );
      if (closed) unsubscribe();
    },
  });

  defineRoute<Id>(app, {
    method: 'GET',
    url: '/meetings/:id/edit',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const meeting = await getMeeting(rc.db, req.params.id);
      const unit = await getUnit(rc.db, meeting.unitId);
      return sendPage(reply, <MeetingFormPage rc={rc} unit={unit} meeting={meeting} values={meetingValues(meeting)} roster={await getRoster(rc.db, meeting.id)} />);
    },
  });

  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/edit',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const meeting = await getMeeting(rc.db, req.params.id);
      const unit = await getUnit(rc.db, meeting.unitId);
      const values = formValues(req.body);
      const parsed = parseMeetingForm(req.body, rc.locale, meeting.kind);
      const page = async (errors: FieldErrors) => sendPage(reply, <MeetingFormPage rc={rc} unit={unit} meeting={meeting} values={values} errors={errors} roster={await getRoster(rc.db, meeting.id)} />, 422);
      if (!parsed.ok) return page(parsed.errors);
      try {
        await rc.db.transaction((tx) => updateMeeting(tx, rc.who, meeting.id, parsed.input, { locale: rc.locale }));
      } catch (e) {
        if (e instanceof MeetingFormError) return page(e.fields);
        if (e instanceof DomainError && e.code === 'conflict') return page({ _form: e.message });
        throw e;
      }
      return redirectWithFlash(reply, `/meetings/${meeting.id}`, meetingMessages(rc.locale).form.saved);
    },
  });

  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/roles',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const b = cleanBody(req.body);
      const num = (v: unknown) => (str(v) && /^\d+$/.test(str(v)) ? Number(str(v)) : null);
      return command(rc, reply, req.params.id, async () => {
        await rc.db.transaction((tx) => setRoles(tx, rc.who, req.params.id, num(b.chairPersonId), num(b.minuteTakerPersonId), rc.locale));
        return meetingMessages(rc.locale).form.rolesSaved;
      });
    },
  });

  for (const [action, to, message] of [
    ['start', 'in_progress', 'started'],
    ['end', 'ended', 'ended'],
    ['cancel', 'cancelled', 'cancelled'],
  ] as const) {
    defineRoute<Id>(app, {
      method: 'POST',
      url: `/meetings/:id/${action}`,
      params: idParams,
      access: byMeeting('meeting.run'),
      handler: async (req, reply, rc) =>
        command(rc, reply, req.params.id, async () => {
          await rc.db.transaction(async (tx) => {
            await setStatus(tx, rc.who, req.params.id, to, rc.locale);
            await signalMeeting(tx, req.params.id);
          });
          return meetingMessages(rc.locale).room[message];
        }),
    });
  }

  // Agenda and notes.
  defineRoute<Id>(app, {
    method: 'GET',
    url: '/meetings/:id/agenda',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const meeting = await getMeeting(rc.db, req.params.id);
      return sendPage(reply, <AgendaPage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} value={meeting.agenda.map((a) => a.title).join('\n')} />);
    },
  });
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/agenda',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const text = str(cleanBody(req.body).agenda);
      try {
        await rc.db.transaction((tx) => setAgenda(tx, rc.who, req.params.id, text.split(/\r?\n/), rc.locale));
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
        const meeting = await getMeeting(rc.db, req.params.id);
        const errors = e instanceof MeetingFormError ? e.fields : { _form: e.message };
        return sendPage(reply, <AgendaPage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} value={text} errors={errors} />, e.status);
      }
      return redirectWithFlash(reply, `/meetings/${req.params.id}`, meetingMessages(rc.locale).room.agendaSaved);
    },
  });
  defineRoute<Id>(app, {
    method: 'GET',
    url: '/meetings/:id/notes',
    params: idParams,
    access: byMeeting('meeting.write_minutes'),
    handler: async (req, reply, rc) => {
      const meeting = await getMeeting(rc.db, req.params.id);
      return sendPage(reply, <NotesPage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} />);
    },
  });
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/notes',
    params: idParams,
    access: byMeeting('meeting.write_minutes'),
    handler: async (req, reply, rc) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const items = all(body.item).map((s) => s.normalize('NFC'));
      return command(rc, reply, req.params.id, async () => {
        await rc.db.transaction((tx) => saveNotes(tx, rc.who, req.params.id, items, str(body.notes).normalize('NFC'), rc.locale));
        return meetingMessages(rc.locale).room.notesSaved;
      });
    },
  });

  // Attendance.
  defineRoute<Id>(app, {
    method: 'GET',
    url: '/meetings/:id/attendance',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const meeting = await getMeeting(rc.db, req.params.id);
      if (meeting.status === 'scheduled' || meeting.status === 'in_progress') await rc.db.transaction((tx) => syncRoster(tx, meeting.id, meeting.unitId));
      const roster = await getRoster(rc.db, meeting.id);
      return sendPage(reply, <AttendancePage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} roster={roster} quorum={quorum(roster)} />);
    },
  });
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/attendance',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const entries: AttendanceEntry[] = [];
      for (const p of all(body.person)) {
        if (!/^\d+$/.test(p)) continue;
        const a = str(body[`att-${p}`]);
        entries.push({
          personId: Number(p),
          attendance: a === '' ? null : (a as AttendanceEntry['attendance']),
          online: str(body[`online-${p}`]) === '1',
          reason: str(body[`reason-${p}`]).normalize('NFC').trim() || null,
        });
      }
      const m = meetingMessages(rc.locale);
      for (const e of entries) if (e.attendance != null && !(['present', 'absent_excused', 'absent_unexcused', 'exempt'] as const).includes(e.attendance)) e.attendance = null;
      try {
        await rc.db.transaction(async (tx) => {
          await recordAttendance(tx, rc.who, req.params.id, entries, rc.locale);
          await signalMeeting(tx, req.params.id);
        });
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
        const meeting = await getMeeting(rc.db, req.params.id);
        const roster = (await getRoster(rc.db, meeting.id)).map((r) => {
          const sent = entries.find((x) => x.personId === r.personId);
          return sent ? { ...r, attendance: sent.attendance, online: sent.online, reason: sent.reason } : r;
        });
        return sendPage(reply, <AttendancePage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} roster={roster} quorum={quorum(roster)} errors={{ _form: e.message }} />, e.status);
      }
      return redirectWithFlash(reply, `/meetings/${req.params.id}`, m.room.attendanceSaved);
    },
  });
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/attendance/all-present',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) =>
      command(
        rc,
        reply,
        req.params.id,
        async () => {
          const n = await rc.db.transaction(async (tx) => {
            const count = await markUnrecordedPresent(tx, rc.who, req.params.id, rc.locale);
            await signalMeeting(tx, req.params.id);
            return count;
          });
          return meetingMessages(rc.locale).room.allPresentDone(n);
        },
        `/meetings/${req.params.id}/attendance`,
      ),
  });
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/documents-received',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) =>
      command(rc, reply, req.params.id, async () => {
        const done = await rc.db.transaction((tx) => markDocumentsReceived(tx, rc.who, req.params.id, rc.locale));
        return meetingMessages(rc.locale).room.documentsReceivedDone(done.present.length, done.readings);
      }),
  });

  // Materials.
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/materials',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const m = meetingMessages(rc.locale);
      const mp = await readMultipart(req);
      const field = (k: string) => {
        const v = mp.fields[k];
        return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).normalize('NFC').trim();
      };
      const meeting = await getMeeting(rc.db, req.params.id);
      const unit = await getUnit(rc.db, meeting.unitId);
      const values = { document: field('document'), title: field('title') };
      const fail = async (errors: FieldErrors, status = 422) => sendPage(reply, await meetingPage(rc, meeting.id, { errors, values }), status);
      if (mp.tooLarge.length) return fail({ file: m.errors.fileTooLarge(Math.round(rc.config.maxUploadBytes / 1048576)) }, 413);
      const file = mp.files.find((f) => f.field === 'file');
      let input: Parameters<typeof addMaterial>[3];
      if (values.document) {
        const doc = await findLibraryDocument(rc, unit, values.document);
        if (!doc) return fail({ document: m.errors.documentMissing });
        input = { documentId: doc.id, title: values.title };
      } else if (file) {
        if (file.bytes.length === 0) return fail({ file: m.errors.fileEmpty });
        input = { fileName: safeFileName(file.fileName), mime: guessMime(file.fileName), content: file.bytes, title: values.title };
      } else return fail({ document: m.errors.documentOrFile });
      try {
        const added = await rc.db.transaction((tx) => addMaterial(tx, rc.who, meeting.id, input, { locale: rc.locale }));
        return redirectWithFlash(reply, `/meetings/${meeting.id}`, added.late ? `${m.room.added} ${m.room.lateWarning}` : m.room.added);
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'forbidden' || e.code === 'not_found') throw e;
        return fail({ document: e.message }, e.status);
      }
    },
  });
  defineRoute<{ id: number; materialId: number }>(app, {
    method: 'GET',
    url: '/meetings/:id/materials/:materialId',
    params: materialParams,
    access: byMeeting('meeting.view'),
    handler: async (req, reply, rc) => {
      const file = await getMaterialFile(rc.db, req.params.id, req.params.materialId);
      if (!file || !file.content) throw new DomainError('not_found', rc.t.errors.notFound);
      return sendAttachment(reply, { name: file.fileName ?? 'tai-lieu', type: file.mime ?? 'application/octet-stream', body: file.content });
    },
  });
  defineRoute<{ id: number; materialId: number }>(app, {
    method: 'POST',
    url: '/meetings/:id/materials/:materialId/remove',
    params: materialParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) =>
      command(rc, reply, req.params.id, async () => {
        await rc.db.transaction((tx) => removeMaterial(tx, rc.who, req.params.id, req.params.materialId, rc.locale));
        return meetingMessages(rc.locale).room.removed;
      }),
  });

  // Quality.
  defineRoute<Id>(app, {
    method: 'POST',
    url: '/meetings/:id/quality',
    params: idParams,
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const b = cleanBody(req.body);
      const m = meetingMessages(rc.locale);
      const quality = str(b.quality) as MeetingQuality;
      const note = str(b.qualityNote).slice(0, 500) || null;
      return command(rc, reply, req.params.id, async () => {
        if (!MEETING_QUALITIES.includes(quality)) throw new DomainError('invalid', m.errors.qualityRequired);
        await rc.db.transaction((tx) => rateMeeting(tx, rc.who, req.params.id, quality, note, rc.locale));
        return m.room.rated;
      });
    },
  });

  // The committees' roll-up.
  defineRoute<Id, { year?: string }>(app, {
    method: 'GET',
    url: '/units/:id/meeting-quality',
    params: idParams,
    query: z.object({ year: z.string().max(4).optional() }),
    access: byCell('meeting.rollup'),
    handler: async (req, reply, rc) => {
      const unit = await getUnit(rc.db, req.params.id);
      const asked = Number(req.query.year);
      const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2200 ? asked : Number(todayIso().slice(0, 4));
      return sendPage(reply, <RollupPage rc={rc} unit={unit} year={year} rows={await qualityRollup(rc.db, unit.path, year)} />);
    },
  });

  return hub;
}

const MIMES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.txt': 'text/plain; charset=utf-8',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};
/** Materials are always sent as downloads (never shown inline), so the type is only a hint to the phone. */
function guessMime(name: string): string {
  const ext = /\.[a-z0-9]+$/i.exec(name)?.[0]?.toLowerCase() ?? '';
  return MIMES[ext] ?? 'application/octet-stream';
}

export const meetingsFeature: Feature = {
  name: 'meetings',
  routes: (app) => {
    meetingRoutes(app, roomExtension);
    questionRoutes(app);
    minutesRoutes(app);
    evaluationRoutes(app);
    addUnitSection(app, unitSection);
  },
  homeTiles: async (rc) => {
    const cell = rc.actor?.membership;
    if (!cell) return [];
    const m = meetingMessages(rc.locale);
    const cellId = cell.temporaryUnitId ?? cell.unitId;
    const next = await nextMeeting(rc.db, cellId);
    if (!next) return [{ href: `/units/${cellId}/meetings`, icon: '🗓', label: m.nav.tile, sub: m.nav.tileNone }];
    return [{ href: `/meetings/${next.id}`, icon: '🗓', label: m.nav.tile, sub: next.status === 'in_progress' ? m.nav.tileNow : m.nav.tileNext(formatDateTime(next.startsAt)), ...(next.status === 'in_progress' ? { count: 1 } : {}) }];
  },
  adminLinks: (rc) => {
    if (!can(rc.actor, 'evaluation.rules', { type: 'system' })) return [];
    const m = evaluationMessages(rc.locale).rules;
    return [{ href: '/admin/evaluation-rules', label: m.adminLink, description: m.adminDescription }];
  },
};
