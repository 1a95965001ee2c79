// Cell meetings (sinh hoạt chi bộ): the meeting with its agenda, materials, the roster with
// attendance, quick opinions and votes, the minutes in versions, and the periodic evaluation of
// members (đánh giá, xếp loại chất lượng đảng viên).
//
// Secret ballots keep WHO voted apart from WHAT was chosen: `meeting_ballots` holds participation
// (one row per member and question, no time), `meeting_secret_choices` holds the choices under a
// random key with no time, no serial and no member; both are written in one transaction, and that
// transaction rewrites every choice of the question in key order so that neither the rows'
// physical order nor their transaction id (xmin) follows the order of voting (see votes.ts).
import { sql } from 'drizzle-orm';
import { boolean, check, customType, index, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { units } from '../org/schema.ts';
import { MEMBER_STANDINGS, people } from '../people/schema.ts';
import { documents } from '../documents/schema.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
});

/** thường kỳ, chuyên đề, bất thường, kiểm điểm/đánh giá. */
export const MEETING_KINDS = ['regular', 'thematic', 'extraordinary', 'review'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];
export const MEETING_STATUSES = ['scheduled', 'in_progress', 'ended', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];
/** The quality of the meeting itself: tốt, khá, trung bình, kém. */
export const MEETING_QUALITIES = ['good', 'fair', 'average', 'poor'] as const;
export type MeetingQuality = (typeof MEETING_QUALITIES)[number];

export type AgendaItem = { title: string; notes: string };

export const meetings = pgTable(
  'meetings',
  {
    id: serial('id').primaryKey(),
    /** The cell holding the meeting. */
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    kind: text('kind', { enum: MEETING_KINDS }).notNull(),
    /** The month a regular meeting belongs to ("2021-10"); other kinds may carry it too. */
    period: text('period').notNull(),
    title: text('title').notNull(),
    /** The theme of a thematic part (chuyên đề). */
    topic: text('topic'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull().default(90),
    location: text('location'),
    /** A meeting link (Jitsi): a member joining through it is marked present, online. */
    onlineUrl: text('online_url'),
    status: text('status', { enum: MEETING_STATUSES }).notNull().default('scheduled'),
    agenda: jsonb('agenda').$type<AgendaItem[]>().notNull(),
    /** General notes taken during the meeting (besides the notes of each agenda item). */
    notes: text('notes').notNull().default(''),
    chairPersonId: integer('chair_person_id').references(() => people.id),
    minuteTakerPersonId: integer('minute_taker_person_id').references(() => people.id),
    quality: text('quality', { enum: MEETING_QUALITIES }),
    qualityNote: text('quality_note'),
    qualityBy: integer('quality_by'),
    qualityAt: timestamp('quality_at', { withTimezone: true }),
    /** When "everyone present received the meeting's documents" was recorded. */
    documentsReceivedAt: timestamp('documents_received_at', { withTimezone: true }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('meetings_unit_idx').on(t.unitId, t.startsAt),
    // One regular meeting a month per cell (a cancelled one frees the month).
    uniqueIndex('meetings_regular_period_key').on(t.unitId, t.period).where(sql`${t.kind} = 'regular' and ${t.status} <> 'cancelled'`),
    check('meetings_period_format', sql`${t.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('meetings_online_url_https', sql`${t.onlineUrl} is null or ${t.onlineUrl} ~ '^https://'`),
    check('meetings_duration', sql`${t.durationMinutes} between 15 and 600`),
  ],
);

/** Materials: a library document, or an uploaded file. */
export const meetingMaterials = pgTable(
  'meeting_materials',
  {
    id: serial('id').primaryKey(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    documentId: integer('document_id').references(() => documents.id),
    title: text('title').notNull(),
    fileName: text('file_name'),
    mime: text('mime'),
    size: integer('size'),
    content: bytea('content'),
    addedBy: integer('added_by'),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp('removed_at', { withTimezone: true }),
  },
  (t) => [index('meeting_materials_meeting_idx').on(t.meetingId), check('meeting_materials_document_or_file', sql`(${t.documentId} is null) <> (${t.content} is null)`)],
);

/** present, absent with reason (vắng có lý do), absent without reason, exempt (miễn sinh hoạt, not present). */
export const ATTENDANCE = ['present', 'absent_excused', 'absent_unexcused', 'exempt'] as const;
export type Attendance = (typeof ATTENDANCE)[number];
/** The member's status when the roster was taken (members who left or died are not on it). */
export const ROSTER_STATUSES = ['active', 'temporarily_transferred', 'suspended'] as const;
export type RosterStatus = (typeof ROSTER_STATUSES)[number];

/**
 * Who belongs to the meeting: the cell's members as they stood (standing, exemption, status),
 * and members attending temporarily from another cell (guests: they speak, they do not vote on
 * resolutions here). Attendance is recorded on the same row.
 */
export const meetingRoster = pgTable(
  'meeting_roster',
  {
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    standing: text('standing', { enum: MEMBER_STANDINGS }).notNull(),
    exempt: boolean('exempt').notNull(),
    memberStatus: text('member_status', { enum: ROSTER_STATUSES }).notNull(),
    guest: boolean('guest').notNull().default(false),
    attendance: text('attendance', { enum: ATTENDANCE }),
    online: boolean('online').notNull().default(false),
    reason: text('reason'),
    recordedBy: integer('recorded_by'),
    recordedAt: timestamp('recorded_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.meetingId, t.personId] }), check('meeting_roster_online_present', sql`not ${t.online} or ${t.attendance} = 'present'`)],
);

/** agree/disagree/abstain, single choice, multiple choice, a rating, a short text. */
export const QUESTION_KINDS = ['agree', 'single', 'multiple', 'rating', 'text'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const QUESTION_STATUSES = ['draft', 'open', 'closed'] as const;
export type QuestionStatus = (typeof QUESTION_STATUSES)[number];

/** One answer: the kind of the question decides which field is set. */
export type AnswerValue = { choice: 'agree' | 'disagree' | 'abstain' } | { option: number } | { options: number[] } | { rating: number } | { text: string };

export const meetingQuestions = pgTable(
  'meeting_questions',
  {
    id: serial('id').primaryKey(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    kind: text('kind', { enum: QUESTION_KINDS }).notNull(),
    prompt: text('prompt').notNull(),
    options: jsonb('options').$type<string[]>().notNull().default([]),
    ratingMax: smallint('rating_max'),
    secret: boolean('secret').notNull().default(false),
    /** A vote on a resolution: only official members vote, and the quorum rule decides. */
    resolution: boolean('resolution').notNull().default(false),
    status: text('status', { enum: QUESTION_STATUSES }).notNull().default('draft'),
    openedAt: timestamp('opened_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** The result frozen when the question closes (counts, and for resolutions the quorum verdict). */
    result: jsonb('result'),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('meeting_questions_meeting_idx').on(t.meetingId),
    check('meeting_questions_resolution_agree', sql`not ${t.resolution} or ${t.kind} = 'agree'`),
    check('meeting_questions_rating_max', sql`(${t.kind} = 'rating') = (${t.ratingMax} is not null) and (${t.ratingMax} is null or ${t.ratingMax} between 2 and 10)`),
  ],
);

/** Named answers: one per member and question (the primary key), marked when recorded on behalf. */
export const meetingAnswers = pgTable(
  'meeting_answers',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => meetingQuestions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    answer: jsonb('answer').$type<AnswerValue>().notNull(),
    /** The account that recorded the answer for a member without a phone; null when the member answered. */
    recordedBy: integer('recorded_by'),
    answeredAt: timestamp('answered_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.personId] })],
);

/** Secret ballots, participation: that a member voted (once: the primary key). No time, no choice. */
export const meetingBallots = pgTable(
  'meeting_ballots',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => meetingQuestions.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    recordedBy: integer('recorded_by'),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.personId] })],
);

/** Secret ballots, choices: under a random key, with no member, no time and no serial number. */
export const meetingSecretChoices = pgTable(
  'meeting_secret_choices',
  {
    key: uuid('key').primaryKey(),
    questionId: integer('question_id')
      .notNull()
      .references(() => meetingQuestions.id),
    answer: jsonb('answer').$type<AnswerValue>().notNull(),
  },
  (t) => [index('meeting_secret_choices_question_idx').on(t.questionId)],
);

export type MinutesSection = { heading: string; body: string };
export type MinutesContent = {
  /** Cell, parent committee, place, start and end, chair, minute-taker, attendance: as drafted. */
  header: Record<string, string>;
  sections: MinutesSection[];
};

/** Biên bản: drafted, edited, approved by chair and minute-taker, then locked; a change is a new version. */
export const meetingMinutes = pgTable(
  'meeting_minutes',
  {
    id: serial('id').primaryKey(),
    meetingId: integer('meeting_id')
      .notNull()
      .references(() => meetings.id),
    version: integer('version').notNull(),
    content: jsonb('content').$type<MinutesContent>().notNull(),
    status: text('status', { enum: ['draft', 'approved'] }).notNull().default('draft'),
    /** Why a new version of approved minutes was opened. */
    reason: text('reason'),
    chairApprovedBy: integer('chair_approved_by'),
    chairApprovedAt: timestamp('chair_approved_at', { withTimezone: true }),
    takerApprovedBy: integer('taker_approved_by'),
    takerApprovedAt: timestamp('taker_approved_at', { withTimezone: true }),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('meeting_minutes_version_key').on(t.meetingId, t.version),
    uniqueIndex('meeting_minutes_one_draft').on(t.meetingId).where(sql`${t.status} = 'draft'`),
    check('meeting_minutes_approved_complete', sql`(${t.status} = 'approved') = (${t.approvedAt} is not null)`),
  ],
);

/** Xếp loại chất lượng đảng viên (Quy định 366-QĐ/TW): the four levels. */
export const EVALUATION_LEVELS = ['excellent', 'good', 'fulfilled', 'unfulfilled'] as const;
export type EvaluationLevel = (typeof EVALUATION_LEVELS)[number];

/** One member's evaluation for one year: self-assessment, the cell's proposal, the committee's final rating. */
export const memberEvaluations = pgTable(
  'member_evaluations',
  {
    id: serial('id').primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    /** The cell that evaluated the member. */
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    year: integer('year').notNull(),
    selfScore: smallint('self_score'),
    selfLevel: text('self_level', { enum: EVALUATION_LEVELS }),
    selfText: text('self_text'),
    selfAt: timestamp('self_at', { withTimezone: true }),
    selfRecordedBy: integer('self_recorded_by'),
    cellScore: smallint('cell_score'),
    proposedLevel: text('proposed_level', { enum: EVALUATION_LEVELS }),
    cellNote: text('cell_note'),
    /** The vote in the cell meeting on the proposal, if one was held. */
    questionId: integer('question_id').references(() => meetingQuestions.id),
    proposedBy: integer('proposed_by'),
    proposedAt: timestamp('proposed_at', { withTimezone: true }),
    finalLevel: text('final_level', { enum: EVALUATION_LEVELS }),
    /** The grassroots committee that approved it. */
    finalUnitId: integer('final_unit_id').references(() => units.id),
    finalBy: integer('final_by'),
    finalAt: timestamp('final_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('member_evaluations_person_year_key').on(t.personId, t.year),
    index('member_evaluations_unit_idx').on(t.unitId, t.year),
    check('member_evaluations_scores', sql`(${t.selfScore} is null or ${t.selfScore} between 0 and 100) and (${t.cellScore} is null or ${t.cellScore} between 0 and 100)`),
    check('member_evaluations_year', sql`${t.year} between 2000 and 2200`),
  ],
);

export type Meeting = typeof meetings.$inferSelect;
export type MeetingMaterial = Omit<typeof meetingMaterials.$inferSelect, 'content'>;
export type RosterRow = typeof meetingRoster.$inferSelect;
export type Question = typeof meetingQuestions.$inferSelect;
export type Minutes = typeof meetingMinutes.$inferSelect;
export type MemberEvaluation = typeof memberEvaluations.$inferSelect;
