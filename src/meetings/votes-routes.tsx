// Routes of quick opinions and votes: the secretary creates, opens and closes questions; members
// answer for themselves (the member answering is always the one logged in); the cell's own
// secretary or deputy records answers for members without a phone.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { RequestContext } from '../core/http/context.ts';
import { defineRoute } from '../core/http/routes.ts';
import { redirectWithFlash, sendPage } from '../core/http/render.ts';
import { cleanBody, type FieldErrors } from '../core/http/forms.ts';
import { DomainError } from '../core/errors.ts';
import { getUnit } from '../org/tree.ts';
import { meetingMessages } from './messages.ts';
import { QUESTION_KINDS, type Question, type QuestionKind } from './schema.ts';
import { getMeeting, getRoster } from './meetings.ts';
import { answerQuestion, closeQuestion, createQuestion, getQuestion, mayAnswer, openQuestion, parseAnswer, participants, QuestionFormError } from './votes.ts';
import { RecordForPage } from './room.tsx';
import { byMeeting } from './routes.tsx';

const MAX_ID = 2_147_483_647;
const qParams = z.object({ id: z.coerce.number().int().positive().max(MAX_ID), qid: z.coerce.number().int().positive().max(MAX_ID) });
type QP = { id: number; qid: number };

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '');
const all = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : []);

/** The question, which must belong to the meeting in the address. */
async function questionOf(rc: RequestContext, p: QP): Promise<Question> {
  const q = await getQuestion(rc.db, p.qid);
  if (!q || q.meetingId !== p.id) throw new DomainError('not_found', meetingMessages(rc.locale).errors.questionMissing);
  return q;
}

function rawAnswer(body: unknown) {
  const b = (body ?? {}) as Record<string, unknown>;
  return { choice: str(b.choice), option: str(b.option), options: all(b.options), rating: str(b.rating), text: str(b.text) };
}

/** Runs a command and goes back to the room (or another page) with its message, good or bad. */
async function command(reply: FastifyReply, back: string, run: () => Promise<string>) {
  try {
    return redirectWithFlash(reply, back, await run());
  } catch (e) {
    if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
    if (e.code === 'forbidden') throw e;
    return redirectWithFlash(reply, back, e.message);
  }
}

export function questionRoutes(app: FastifyInstance): void {
  defineRoute<{ id: number }>(app, {
    method: 'POST',
    url: '/meetings/:id/questions',
    params: z.object({ id: z.coerce.number().int().positive().max(MAX_ID) }),
    access: byMeeting('meeting.run'),
    handler: async (req, reply, rc) => {
      const b = cleanBody(req.body);
      const m = meetingMessages(rc.locale);
      const kind = str(b.kind) as QuestionKind;
      const input = {
        kind: QUESTION_KINDS.includes(kind) ? kind : ('agree' as const),
        prompt: str(b.prompt),
        options: str(b.options).split(/\r?\n/),
        ratingMax: /^\d+$/.test(str(b.ratingMax)) ? Number(str(b.ratingMax)) : null,
        secret: str(b.secret) === '1',
        resolution: str(b.resolution) === '1',
      };
      const errors: FieldErrors = QUESTION_KINDS.includes(kind) ? {} : { kind: m.errors.kindInvalid };
      try {
        if (Object.keys(errors).length) throw new QuestionFormError(errors);
        await rc.db.transaction((tx) => createQuestion(tx, rc.who, req.params.id, input, rc.locale));
      } catch (e) {
        if (e instanceof QuestionFormError) return redirectWithFlash(reply, `/meetings/${req.params.id}#h-questions`, Object.values(e.fields).join(' '));
        if (e instanceof DomainError && e.code === 'conflict') return redirectWithFlash(reply, `/meetings/${req.params.id}`, e.message);
        throw e;
      }
      return redirectWithFlash(reply, `/meetings/${req.params.id}#h-questions`, m.room.questionCreated);
    },
  });

  for (const [action, run, message] of [
    ['open', openQuestion, 'opened'],
    ['close', closeQuestion, 'closed'],
  ] as const) {
    defineRoute<QP>(app, {
      method: 'POST',
      url: `/meetings/:id/questions/:qid/${action}`,
      params: qParams,
      access: byMeeting('meeting.run'),
      handler: async (req, reply, rc) => {
        await questionOf(rc, req.params);
        return command(reply, `/meetings/${req.params.id}#q${req.params.qid}-h`, async () => {
          await rc.db.transaction(async (tx) => {
            await run(tx, rc.who, req.params.qid, rc.locale);
          });
          return meetingMessages(rc.locale).room[message];
        });
      },
    });
  }

  // A member answers for themselves: the person is the one logged in, whatever the form says.
  defineRoute<QP>(app, {
    method: 'POST',
    url: '/meetings/:id/questions/:qid/answer',
    params: qParams,
    access: byMeeting('meeting.answer'),
    handler: async (req, reply, rc) => {
      const q = await questionOf(rc, req.params);
      const m = meetingMessages(rc.locale);
      return command(reply, `/meetings/${req.params.id}#q${q.id}-h`, async () => {
        const answer = parseAnswer(q, rawAnswer(req.body));
        if (!answer) throw new DomainError('invalid', m.errors.answerInvalid);
        await rc.db.transaction((tx) => answerQuestion(tx, rc.who, { questionId: q.id, personId: rc.actor!.personId, answer, onBehalf: false }, rc.locale));
        return m.room.answered;
      });
    },
  });

  // The secretary records answers for members present without a phone.
  async function recordPage(rc: RequestContext, p: QP, errors?: FieldErrors) {
    const q = await questionOf(rc, p);
    const meeting = await getMeeting(rc.db, p.id);
    const roster = await getRoster(rc.db, p.id);
    const taken = await participants(rc.db, q);
    const waiting = roster.filter((r) => mayAnswer(q, r) && !taken.has(r.personId)).sort((a, b) => Number(a.phoneKind === 'smartphone') - Number(b.phoneKind === 'smartphone'));
    return <RecordForPage rc={rc} unit={await getUnit(rc.db, meeting.unitId)} meeting={meeting} q={q} waiting={waiting} {...(errors ? { errors } : {})} />;
  }
  defineRoute<QP>(app, {
    method: 'GET',
    url: '/meetings/:id/questions/:qid/record',
    params: qParams,
    access: byMeeting('meeting.answer_for_member'),
    handler: async (req, reply, rc) => sendPage(reply, await recordPage(rc, req.params)),
  });
  defineRoute<QP>(app, {
    method: 'POST',
    url: '/meetings/:id/questions/:qid/record',
    params: qParams,
    access: byMeeting('meeting.answer_for_member'),
    handler: async (req, reply, rc) => {
      const q = await questionOf(rc, req.params);
      const m = meetingMessages(rc.locale);
      const b = (req.body ?? {}) as Record<string, unknown>;
      const personId = /^\d+$/.test(str(b.personId)) ? Number(str(b.personId)) : 0;
      const answer = parseAnswer(q, rawAnswer(req.body));
      const back = `/meetings/${req.params.id}/questions/${q.id}/record`;
      if (!answer) return sendPage(reply, await recordPage(rc, req.params, { _form: m.errors.answerInvalid }), 422);
      try {
        await rc.db.transaction((tx) => answerQuestion(tx, rc.who, { questionId: q.id, personId, answer, onBehalf: true }, rc.locale));
      } catch (e) {
        if (!(e instanceof DomainError) || e.code === 'not_found') throw e;
        return sendPage(reply, await recordPage(rc, req.params, { _form: e.message }), e.status);
      }
      const name = (await getRoster(rc.db, req.params.id)).find((r) => r.personId === personId)?.fullName ?? '';
      return redirectWithFlash(reply, back, m.room.recordedFor(name));
    },
  });
}
