// Pages of cell meetings: the cell's meetings, scheduling, the meeting itself (the "room"),
// attendance, the agenda and notes, and the committees' roll-up of meeting quality. Everything
// renders on the server and works without JavaScript; room.js only refreshes the live numbers.
import type { ComponentChildren } from 'preact';
import type { RequestContext } from '../core/http/context.ts';
import type { FieldErrors, FormValues } from '../core/http/forms.ts';
import { Layout } from '../core/layout/Layout.tsx';
import { Breadcrumbs, ErrorSummary, Field, Form, SelectField, TextArea } from '../core/layout/components.tsx';
import { formatDate, formatDateTime, formatNumber } from '../core/i18n/i18n.ts';
import type { Unit } from '../org/schema.ts';
import { meetingMessages } from './messages.ts';
import { ATTENDANCE, MEETING_KINDS, MEETING_QUALITIES, type Meeting } from './schema.ts';
import type { MaterialView, QualityRow, RosterEntry } from './meetings.ts';
import type { Quorum } from './quorum.ts';
import { ROOM_JS } from './assets.ts';

export const mm = (rc: RequestContext) => meetingMessages(rc.locale);
export type MeetingMessages = ReturnType<typeof meetingMessages>;


export const when = (m: Meeting) => formatDateTime(m.startsAt);
const monthYear = (period: string) => `${period.slice(5, 7)}/${period.slice(0, 4)}`;

export function MeetingCrumbs(p: { rc: RequestContext; unit: Unit; meeting?: Meeting; page?: string }) {
  const m = mm(p.rc);
  const items: { href?: string; label: string }[] = [
    { href: `/units/${p.unit.id}`, label: p.unit.name },
    { href: `/units/${p.unit.id}/meetings`, label: m.nav.meetings },
  ];
  if (p.meeting) items.push({ href: `/meetings/${p.meeting.id}`, label: p.meeting.title });
  if (p.page) items.push({ label: p.page });
  return <Breadcrumbs items={items} />;
}

export function StatusTags(p: { m: MeetingMessages; meeting: Meeting }) {
  return (
    <p>
      <span class="tag">{p.m.kinds[p.meeting.kind]}</span>
      <span class={`tag meet-status-${p.meeting.status}`}>{p.m.statuses[p.meeting.status]}</span>
      {p.meeting.quality ? <span class="tag">{p.m.quality[p.meeting.quality]}</span> : null}
    </p>
  );
}

export function MeetingListPage(p: { rc: RequestContext; unit: Unit; meetings: Meeting[]; next: Meeting | null; canSchedule: boolean; hint: string | null; canRollup: boolean; links: { href: string; label: string }[] }) {
  const { rc, unit } = p;
  const m = mm(rc);
  return (
    <Layout rc={rc} title={m.list.title(unit.name)}>
      <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.nav.meetings }]} />
      <h1>{m.list.title(unit.name)}</h1>
      {p.next ? (
        <section class="card" aria-labelledby="h-next">
          <h2 id="h-next">{m.list.next}</h2>
          <p>
            <a href={`/meetings/${p.next.id}`}>{p.next.title}</a>
          </p>
          <p>
            {when(p.next)}
            {p.next.location ? ` — ${p.next.location}` : ''}
          </p>
          <StatusTags m={m} meeting={p.next} />
        </section>
      ) : null}
      {p.hint ? <p class="notice">{p.hint}</p> : null}
      {p.canSchedule ? (
        <p class="actions">
          <a class="button primary" href={`/units/${unit.id}/meetings/new`}>
            {m.list.schedule}
          </a>
        </p>
      ) : null}
      <h2>{m.list.past}</h2>
      {p.meetings.length === 0 ? (
        <p>{m.list.none}</p>
      ) : (
        <ul class="list">
          {p.meetings.map((x) => (
            <li key={x.id}>
              <a href={`/meetings/${x.id}`}>{x.title}</a>
              <br />
              <span class="muted">{when(x)}</span> <StatusTags m={m} meeting={x} />
            </li>
          ))}
        </ul>
      )}
      {p.canRollup || p.links.length ? (
        <ul>
          {p.links.map((l) => (
            <li key={l.href}>
              <a href={l.href}>{l.label}</a>
            </li>
          ))}
          {p.canRollup ? (
            <li>
              <a href={`/units/${unit.id}/meeting-quality`}>{m.list.rollup}</a>
            </li>
          ) : null}
        </ul>
      ) : null}
    </Layout>
  );
}

export function MeetingFormPage(p: { rc: RequestContext; unit: Unit; meeting?: Meeting; values: FormValues; errors?: FieldErrors; roster?: RosterEntry[] }) {
  const { rc, unit, meeting } = p;
  const m = mm(rc);
  const title = meeting ? m.form.editTitle : m.form.newTitle;
  const labels = { kind: m.form.kind, date: m.form.date, time: m.form.time, durationMinutes: m.form.duration, location: m.form.location, onlineUrl: m.form.onlineUrl, topic: m.form.topic, title: m.form.title };
  return (
    <Layout rc={rc} title={title}>
      <MeetingCrumbs rc={rc} unit={unit} {...(meeting ? { meeting } : {})} page={title} />
      <h1>{title}</h1>
      <ErrorSummary rc={rc} errors={p.errors} labels={labels} />
      <Form rc={rc} action={meeting ? `/meetings/${meeting.id}/edit` : `/units/${unit.id}/meetings`}>
        {meeting ? (
          <p>
            <span class="tag">{m.kinds[meeting.kind]}</span>
          </p>
        ) : (
          <SelectField name="kind" label={m.form.kind} values={p.values} errors={p.errors} required options={MEETING_KINDS.map((k) => ({ value: k, label: m.kinds[k] }))} />
        )}
        <Field name="date" label={m.form.date} hint={m.form.dateHint} values={p.values} errors={p.errors} required inputMode="numeric" placeholder="dd/mm/yyyy" maxLength={10} />
        <Field name="time" label={m.form.time} hint={m.form.timeHint} values={p.values} errors={p.errors} required inputMode="numeric" placeholder="19:30" maxLength={5} />
        <Field name="durationMinutes" label={m.form.duration} hint={m.form.durationHint} values={p.values} errors={p.errors} required inputMode="numeric" maxLength={3} />
        <Field name="location" label={m.form.location} values={p.values} errors={p.errors} maxLength={200} />
        <Field name="onlineUrl" label={m.form.onlineUrl} hint={m.form.onlineUrlHint} values={p.values} errors={p.errors} type="url" maxLength={500} />
        <Field name="topic" label={m.form.topic} hint={m.form.topicHint} values={p.values} errors={p.errors} maxLength={300} />
        <Field name="title" label={m.form.title} hint={m.form.titleHint} values={p.values} errors={p.errors} maxLength={300} />
        <button type="submit" class="primary">
          {meeting ? m.form.save : m.form.create}
        </button>
      </Form>
      {meeting && p.roster ? (
        <>
          <h2>{m.room.roles}</h2>
          <Form rc={rc} action={`/meetings/${meeting.id}/roles`}>
            <SelectField name="chairPersonId" label={m.form.chair} value={String(meeting.chairPersonId ?? '')} blank={m.form.nobody} options={p.roster.filter((r) => !r.guest).map((r) => ({ value: String(r.personId), label: r.fullName }))} errors={p.errors} />
            <SelectField name="minuteTakerPersonId" label={m.form.taker} value={String(meeting.minuteTakerPersonId ?? '')} blank={m.form.nobody} options={p.roster.map((r) => ({ value: String(r.personId), label: r.fullName }))} errors={p.errors} />
            <button type="submit">{m.room.saveRoles}</button>
          </Form>
        </>
      ) : null}
    </Layout>
  );
}

export function QuorumBox(p: { rc: RequestContext; q: Quorum }) {
  const m = mm(p.rc).quorumBox;
  const q = p.q;
  const half = formatNumber(q.half, p.rc.locale);
  const reasons = (['suspended', 'temporarilyAway', 'exemptAbsent', 'absentWithLeave'] as const).filter((k) => q.notCounted[k] > 0);
  return (
    <section class="card meet-quorum" aria-labelledby="h-quorum">
      <h2 id="h-quorum">{m.title}</h2>
      <p>{m.officials(q.officialMembers)}</p>
      {reasons.length ? (
        <>
          <p>{m.notCounted}</p>
          <ul>
            {reasons.map((k) => (
              <li key={k}>{m[k](q.notCounted[k])}</li>
            ))}
          </ul>
        </>
      ) : null}
      <p class="meet-big">
        <strong>{m.base(q.base)}</strong>
      </p>
      <p class="meet-big">
        <strong>{m.rule(half, q.needed)}</strong>
      </p>
      <p>
        <span data-k="presentVoters">{m.present(q.presentVoters)}</span>
      </p>
      <p class={q.enough ? 'meet-ok' : 'meet-warn'}>{q.enough ? m.enough : m.notEnough}</p>
      {q.unrecorded ? <p class="muted">{m.unrecorded(q.unrecorded)}</p> : null}
    </section>
  );
}

export function rosterTags(m: MeetingMessages, r: RosterEntry): string[] {
  const tags: string[] = [m.standing[r.standing]];
  if (r.guest) tags.push(m.room.guest);
  else if (r.memberStatus === 'temporarily_transferred') tags.push(m.room.away);
  if (r.memberStatus === 'suspended') tags.push(m.room.suspended);
  if (r.exempt) tags.push(m.room.exemptTag);
  if (r.phoneKind === 'none') tags.push(m.room.noPhone);
  else if (r.phoneKind === 'basic') tags.push(m.room.basicPhone);
  return tags;
}

export type MeetingPerms = { run: boolean; writeMinutes: boolean; rate: boolean };

export function MeetingPage(p: {
  rc: RequestContext;
  unit: Unit;
  meeting: Meeting;
  roster: RosterEntry[];
  quorum: Quorum;
  materials: MaterialView[];
  chairName: string;
  takerName: string;
  perms: MeetingPerms;
  questions?: ComponentChildren;
  minutesLink?: ComponentChildren;
  /** The print packet's link (src/distribution/packet-routes.tsx), for those who may print it. */
  packetLink?: ComponentChildren;
  version: string;
  errors?: FieldErrors;
  values?: FormValues;
}) {
  const { rc, unit, meeting, perms } = p;
  const m = mm(rc);
  const present = p.roster.filter((r) => r.attendance === 'present').length;
  const live = meeting.status === 'in_progress';
  const open = meeting.status === 'scheduled' || meeting.status === 'in_progress';
  return (
    <Layout rc={rc} title={meeting.title}>
      <MeetingCrumbs rc={rc} unit={unit} page={meeting.title} />
      <h1>{meeting.title}</h1>
      <StatusTags m={m} meeting={meeting} />
      <dl class="record">
        <dt>{m.list.when}</dt>
        <dd>
          {when(meeting)} ({meeting.durationMinutes} {rc.locale === 'en' ? 'minutes' : 'phút'})
        </dd>
        {meeting.location ? (
          <>
            <dt>{m.form.location}</dt>
            <dd>{meeting.location}</dd>
          </>
        ) : null}
        {meeting.topic ? (
          <>
            <dt>{m.form.topic}</dt>
            <dd>{meeting.topic}</dd>
          </>
        ) : null}
        <dt>{m.form.chair}</dt>
        <dd>{p.chairName || m.form.nobody}</dd>
        <dt>{m.form.taker}</dt>
        <dd>{p.takerName || m.form.nobody}</dd>
      </dl>
      {meeting.onlineUrl && open ? (
        <p>
          <a class="button" href={meeting.onlineUrl} rel="noopener noreferrer" target="_blank">
            {m.room.joinOnline}
          </a>
        </p>
      ) : null}
      <ErrorSummary rc={rc} errors={p.errors} />
      {perms.run ? (
        <div class="actions">
          {meeting.status === 'scheduled' ? (
            <Form rc={rc} action={`/meetings/${meeting.id}/start`} class="inline">
              <button type="submit" class="primary">
                {m.room.start}
              </button>
            </Form>
          ) : null}
          {meeting.status === 'in_progress' ? (
            <Form rc={rc} action={`/meetings/${meeting.id}/end`} class="inline" confirm={m.room.endConfirm}>
              <button type="submit">{m.room.end}</button>
            </Form>
          ) : null}
          {open ? (
            <a class="button" href={`/meetings/${meeting.id}/edit`}>
              {m.room.edit}
            </a>
          ) : null}
          {meeting.status === 'scheduled' ? (
            <Form rc={rc} action={`/meetings/${meeting.id}/cancel`} class="inline" confirm={m.room.cancelConfirm}>
              <button type="submit" class="danger">
                {m.room.cancel}
              </button>
            </Form>
          ) : null}
        </div>
      ) : null}
      <div id="room" data-live={live ? `/meetings/${meeting.id}/live` : undefined} data-version={p.version}>
        {p.questions}
        <section aria-labelledby="h-attendance">
          <h2 id="h-attendance">{m.room.attendance}</h2>
          <p class="meet-big">
            <span data-k="present">{m.room.presentCount(present, p.roster.length)}</span>
          </p>
          {perms.run && open ? (
            <p>
              <a class="button" href={`/meetings/${meeting.id}/attendance`}>
                {m.room.takeAttendance}
              </a>
            </p>
          ) : null}
          {meeting.documentsReceivedAt ? <p class="muted">{m.room.documentsReceivedAt(formatDateTime(meeting.documentsReceivedAt))}</p> : null}
          {perms.run && (meeting.status === 'in_progress' || meeting.status === 'ended') && p.materials.length > 0 ? (
            <Form rc={rc} action={`/meetings/${meeting.id}/documents-received`}>
              <button type="submit">{m.room.documentsReceived}</button>
            </Form>
          ) : null}
        </section>
        <QuorumBox rc={rc} q={p.quorum} />
      </div>
      <section aria-labelledby="h-agenda">
        <h2 id="h-agenda">{m.room.agenda}</h2>
        <ol class="meet-agenda">
          {meeting.agenda.map((a, i) => (
            <li key={i}>
              {a.title}
              {a.notes ? <p class="meet-notes">{a.notes}</p> : null}
            </li>
          ))}
        </ol>
        {meeting.notes ? <p class="meet-notes">{meeting.notes}</p> : null}
        <p class="actions">
          {perms.run && open ? <a href={`/meetings/${meeting.id}/agenda`}>{m.room.editAgenda}</a> : null}
          {perms.writeMinutes && meeting.status !== 'cancelled' ? <a href={`/meetings/${meeting.id}/notes`}>{m.room.editNotes}</a> : null}
        </p>
      </section>
      <section aria-labelledby="h-materials">
        <h2 id="h-materials">{m.room.materials}</h2>
        {p.packetLink}
        {p.materials.length === 0 ? <p>{m.room.noMaterials}</p> : null}
        <ul class="list">
          {p.materials.map((x) => (
            <li key={x.id}>
              {x.documentId ? (
                <>
                  <span class="tag">{m.room.libraryDocument}</span> {x.documentNumber ? `${x.documentNumber} — ` : ''}
                  {x.title}
                </>
              ) : (
                <a href={`/meetings/${meeting.id}/materials/${x.id}`}>{x.title}</a>
              )}
              <br />
              <span class="muted">{formatDateTime(x.addedAt)}</span>
              {x.late ? <span class="tag meet-warn"> {m.room.late}</span> : null}
              {perms.run && open ? (
                <Form rc={rc} action={`/meetings/${meeting.id}/materials/${x.id}/remove`} class="inline">
                  {' '}
                  <button type="submit" class="link">
                    {m.room.remove}
                  </button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
        {perms.run && open ? (
          <details>
            <summary>{m.room.addMaterial}</summary>
            <Form rc={rc} action={`/meetings/${meeting.id}/materials`} multipart>
              <Field name="document" label={m.room.documentNumber} hint={m.room.documentNumberHint} values={p.values} errors={p.errors} maxLength={100} />
              <div class={`field${p.errors?.file ? ' field-error' : ''}`}>
                <label for="f-file">{m.room.file}</label>
                {p.errors?.file ? (
                  <p class="error" id="f-file-error">
                    {p.errors.file}
                  </p>
                ) : null}
                <input type="file" id="f-file" name="file" aria-describedby={p.errors?.file ? 'f-file-error' : undefined} />
              </div>
              <Field name="title" label={m.room.materialTitle} hint={m.room.materialTitleHint} values={p.values} errors={p.errors} maxLength={300} />
              <button type="submit">{m.room.add}</button>
            </Form>
          </details>
        ) : null}
      </section>
      {p.minutesLink}
      {perms.rate && (meeting.status === 'in_progress' || meeting.status === 'ended') ? (
        <section aria-labelledby="h-quality">
          <h2 id="h-quality">{m.room.qualityTitle}</h2>
          <Form rc={rc} action={`/meetings/${meeting.id}/quality`}>
            <fieldset class="choices">
              <legend>{m.room.qualityTitle}</legend>
              {MEETING_QUALITIES.map((k) => (
                <div class="check" key={k}>
                  <input type="radio" id={`f-quality-${k}`} name="quality" value={k} checked={meeting.quality === k} required />
                  <label for={`f-quality-${k}`}>{m.quality[k]}</label>
                </div>
              ))}
            </fieldset>
            <Field name="qualityNote" label={m.room.qualityNote} value={meeting.qualityNote ?? ''} maxLength={500} />
            <button type="submit">{m.room.rate}</button>
          </Form>
        </section>
      ) : null}
      {live ? <script src={ROOM_JS.url} defer></script> : null}
    </Layout>
  );
}

export function AttendancePage(p: { rc: RequestContext; unit: Unit; meeting: Meeting; roster: RosterEntry[]; quorum: Quorum; errors?: FieldErrors }) {
  const { rc, unit, meeting } = p;
  const m = mm(rc);
  return (
    <Layout rc={rc} title={`${m.room.attendance} — ${meeting.title}`}>
      <MeetingCrumbs rc={rc} unit={unit} meeting={meeting} page={m.room.attendance} />
      <h1>{m.room.attendance}</h1>
      <p class="muted">{meeting.title}</p>
      <ErrorSummary rc={rc} errors={p.errors} />
      <Form rc={rc} action={`/meetings/${meeting.id}/attendance/all-present`}>
        <button type="submit">{m.room.allPresent}</button>
      </Form>
      <Form rc={rc} action={`/meetings/${meeting.id}/attendance`}>
        <ol class="list meet-roster">
          {p.roster.map((r) => {
            const id = `a-${r.personId}`;
            const options = ATTENDANCE.filter((a) => a !== 'exempt' || r.exempt);
            return (
              <li key={r.personId}>
                <fieldset class="meet-member">
                  <legend>
                    <strong>{r.fullName}</strong> <span class="muted">({rosterTags(m, r).join(', ')})</span>
                  </legend>
                  <input type="hidden" name="person" value={String(r.personId)} />
                  <div class="field">
                    <label for={id}>{m.room.attendance}</label>
                    <select id={id} name={`att-${r.personId}`}>
                      <option value="">{m.attendance.none}</option>
                      {options.map((a) => (
                        <option key={a} value={a} selected={r.attendance === a}>
                          {m.attendance[a]}
                        </option>
                      ))}
                    </select>
                  </div>
                  <div class="check">
                    <input type="checkbox" id={`${id}-online`} name={`online-${r.personId}`} value="1" checked={r.online} />
                    <label for={`${id}-online`}>{m.room.onlineLabel}</label>
                  </div>
                  <div class="field">
                    <label for={`${id}-reason`}>{m.room.reason}</label>
                    <input id={`${id}-reason`} name={`reason-${r.personId}`} value={r.reason ?? ''} maxLength={300} />
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        <button type="submit" class="primary">
          {m.room.saveAttendance}
        </button>
      </Form>
      <QuorumBox rc={rc} q={p.quorum} />
    </Layout>
  );
}

export function AgendaPage(p: { rc: RequestContext; unit: Unit; meeting: Meeting; value: string; errors?: FieldErrors }) {
  const { rc, unit, meeting } = p;
  const m = mm(rc);
  return (
    <Layout rc={rc} title={`${m.room.editAgenda} — ${meeting.title}`}>
      <MeetingCrumbs rc={rc} unit={unit} meeting={meeting} page={m.room.editAgenda} />
      <h1>{m.room.editAgenda}</h1>
      <ErrorSummary rc={rc} errors={p.errors} labels={{ agenda: m.room.agenda }} />
      <Form rc={rc} action={`/meetings/${meeting.id}/agenda`}>
        <TextArea name="agenda" label={m.room.agenda} hint={m.room.agendaHint} value={p.value} errors={p.errors} rows={14} required />
        <button type="submit" class="primary">
          {rc.t.common.save}
        </button>
      </Form>
    </Layout>
  );
}

export function NotesPage(p: { rc: RequestContext; unit: Unit; meeting: Meeting; errors?: FieldErrors }) {
  const { rc, unit, meeting } = p;
  const m = mm(rc);
  return (
    <Layout rc={rc} title={`${m.room.editNotes} — ${meeting.title}`}>
      <MeetingCrumbs rc={rc} unit={unit} meeting={meeting} page={m.room.editNotes} />
      <h1>{m.room.editNotes}</h1>
      <ErrorSummary rc={rc} errors={p.errors} />
      <Form rc={rc} action={`/meetings/${meeting.id}/notes`}>
        {meeting.agenda.map((a, i) => (
          <TextArea key={i} name="item" id={`f-item-${i}`} label={`${i + 1}. ${a.title}`} value={a.notes} rows={3} maxLength={20000} />
        ))}
        <TextArea name="notes" label={m.room.generalNotes} value={meeting.notes} rows={4} maxLength={20000} />
        <button type="submit" class="primary">
          {rc.t.common.save}
        </button>
      </Form>
    </Layout>
  );
}

export function RollupPage(p: { rc: RequestContext; unit: Unit; year: number; rows: QualityRow[] }) {
  const { rc, unit } = p;
  const m = mm(rc);
  const total = p.rows.reduce((t, r) => ({ held: t.held + r.held, good: t.good + r.good, fair: t.fair + r.fair, average: t.average + r.average, poor: t.poor + r.poor, unrated: t.unrated + r.unrated }), { held: 0, good: 0, fair: 0, average: 0, poor: 0, unrated: 0 });
  return (
    <Layout rc={rc} title={m.rollup.title(unit.name)}>
      <Breadcrumbs items={[{ href: `/units/${unit.id}`, label: unit.name }, { label: m.list.rollup }]} />
      <h1>{m.rollup.title(unit.name)}</h1>
      <Form rc={rc} action={`/units/${unit.id}/meeting-quality`} method="get" class="filters">
        <Field name="year" label={m.rollup.year} value={String(p.year)} inputMode="numeric" maxLength={4} />
        <button type="submit">{m.rollup.show}</button>
      </Form>
      {p.rows.length === 0 ? (
        <p>{m.rollup.none}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="muted">{`${m.rollup.year} ${p.year}`}</caption>
            <thead>
              <tr>
                <th scope="col">{m.rollup.cell}</th>
                <th scope="col">{m.rollup.held}</th>
                {MEETING_QUALITIES.map((q) => (
                  <th scope="col" key={q}>
                    {m.quality[q]}
                  </th>
                ))}
                <th scope="col">{m.rollup.unrated}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr key={r.unitId}>
                  <th scope="row">
                    <a href={`/units/${r.unitId}/meetings`}>{r.unitName}</a>
                  </th>
                  <td>{r.held}</td>
                  <td>{r.good}</td>
                  <td>{r.fair}</td>
                  <td>{r.average}</td>
                  <td>{r.poor}</td>
                  <td>{r.unrated}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{m.rollup.total}</th>
                <td>{total.held}</td>
                <td>{total.good}</td>
                <td>{total.fair}</td>
                <td>{total.average}</td>
                <td>{total.poor}</td>
                <td>{total.unrated}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </Layout>
  );
}

export { formatDate, monthYear };

/** The section a unit's page shows: a cell's next meeting, or a committee's links to the roll-ups. */
export function UnitMeetingsSection(p: { rc: RequestContext; unit: Unit; next: Meeting | null; links: { href: string; label: string }[] }) {
  const m = mm(p.rc);
  return (
    <section aria-labelledby="h-unit-meetings">
      <h2 id="h-unit-meetings">{m.nav.meetings}</h2>
      {p.unit.kind === 'cell' ? (
        p.next ? (
          <div class="card">
            <p>
              <a href={`/meetings/${p.next.id}`}>{p.next.title}</a>
            </p>
            <p class="meet-big">
              {when(p.next)}
              {p.next.location ? ` — ${p.next.location}` : ''}
            </p>
            <StatusTags m={m} meeting={p.next} />
          </div>
        ) : (
          <p>{m.nav.tileNone}</p>
        )
      ) : null}
      <ul>
        {p.unit.kind === 'cell' ? (
          <li>
            <a href={`/units/${p.unit.id}/meetings`}>{m.list.past}</a>
          </li>
        ) : null}
        {p.links.map((l) => (
          <li key={l.href}>
            <a href={l.href}>{l.label}</a>
          </li>
        ))}
      </ul>
    </section>
  );
}
