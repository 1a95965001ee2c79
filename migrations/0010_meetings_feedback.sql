CREATE TABLE "meeting_answers" (
	"question_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"answer" jsonb NOT NULL,
	"recorded_by" integer,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_answers_question_id_person_id_pk" PRIMARY KEY("question_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_ballots" (
	"question_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"recorded_by" integer,
	CONSTRAINT "meeting_ballots_question_id_person_id_pk" PRIMARY KEY("question_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_materials" (
	"id" serial PRIMARY KEY NOT NULL,
	"meeting_id" integer NOT NULL,
	"document_id" integer,
	"title" text NOT NULL,
	"file_name" text,
	"mime" text,
	"size" integer,
	"content" "bytea",
	"added_by" integer,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "meeting_materials_document_or_file" CHECK (("meeting_materials"."document_id" is null) <> ("meeting_materials"."content" is null))
);
--> statement-breakpoint
CREATE TABLE "meeting_minutes" (
	"id" serial PRIMARY KEY NOT NULL,
	"meeting_id" integer NOT NULL,
	"version" integer NOT NULL,
	"content" jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"reason" text,
	"chair_approved_by" integer,
	"chair_approved_at" timestamp with time zone,
	"taker_approved_by" integer,
	"taker_approved_at" timestamp with time zone,
	"approved_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_minutes_approved_complete" CHECK (("meeting_minutes"."status" = 'approved') = ("meeting_minutes"."approved_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "meeting_questions" (
	"id" serial PRIMARY KEY NOT NULL,
	"meeting_id" integer NOT NULL,
	"kind" text NOT NULL,
	"prompt" text NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rating_max" smallint,
	"secret" boolean DEFAULT false NOT NULL,
	"resolution" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"opened_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"result" jsonb,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_questions_resolution_agree" CHECK (not "meeting_questions"."resolution" or "meeting_questions"."kind" = 'agree'),
	CONSTRAINT "meeting_questions_rating_max" CHECK (("meeting_questions"."kind" = 'rating') = ("meeting_questions"."rating_max" is not null) and ("meeting_questions"."rating_max" is null or "meeting_questions"."rating_max" between 2 and 10))
);
--> statement-breakpoint
CREATE TABLE "meeting_roster" (
	"meeting_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"standing" text NOT NULL,
	"exempt" boolean NOT NULL,
	"member_status" text NOT NULL,
	"guest" boolean DEFAULT false NOT NULL,
	"attendance" text,
	"online" boolean DEFAULT false NOT NULL,
	"reason" text,
	"recorded_by" integer,
	"recorded_at" timestamp with time zone,
	CONSTRAINT "meeting_roster_meeting_id_person_id_pk" PRIMARY KEY("meeting_id","person_id"),
	CONSTRAINT "meeting_roster_online_present" CHECK (not "meeting_roster"."online" or "meeting_roster"."attendance" = 'present')
);
--> statement-breakpoint
CREATE TABLE "meeting_secret_choices" (
	"key" uuid PRIMARY KEY NOT NULL,
	"question_id" integer NOT NULL,
	"answer" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meetings" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"title" text NOT NULL,
	"topic" text,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer DEFAULT 90 NOT NULL,
	"location" text,
	"online_url" text,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"agenda" jsonb NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"chair_person_id" integer,
	"minute_taker_person_id" integer,
	"quality" text,
	"quality_note" text,
	"quality_by" integer,
	"quality_at" timestamp with time zone,
	"documents_received_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meetings_period_format" CHECK ("meetings"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "meetings_online_url_https" CHECK ("meetings"."online_url" is null or "meetings"."online_url" ~ '^https://'),
	CONSTRAINT "meetings_duration" CHECK ("meetings"."duration_minutes" between 15 and 600)
);
--> statement-breakpoint
CREATE TABLE "member_evaluations" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"year" integer NOT NULL,
	"self_score" smallint,
	"self_level" text,
	"self_text" text,
	"self_at" timestamp with time zone,
	"self_recorded_by" integer,
	"cell_score" smallint,
	"proposed_level" text,
	"cell_note" text,
	"question_id" integer,
	"proposed_by" integer,
	"proposed_at" timestamp with time zone,
	"final_level" text,
	"final_unit_id" integer,
	"final_by" integer,
	"final_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_evaluations_scores" CHECK (("member_evaluations"."self_score" is null or "member_evaluations"."self_score" between 0 and 100) and ("member_evaluations"."cell_score" is null or "member_evaluations"."cell_score" between 0 and 100)),
	CONSTRAINT "member_evaluations_year" CHECK ("member_evaluations"."year" between 2000 and 2200)
);
--> statement-breakpoint
CREATE TABLE "feedback_anonymous_authors" (
	"item_id" uuid NOT NULL,
	"person_id" integer NOT NULL,
	CONSTRAINT "feedback_anonymous_authors_item_id_pk" PRIMARY KEY("item_id")
);
--> statement-breakpoint
CREATE TABLE "feedback_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"item_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"from_unit_id" integer,
	"to_unit_id" integer,
	"text" text,
	"visible_to_author" boolean DEFAULT true NOT NULL,
	"by_account_id" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"first_unit_id" integer NOT NULL,
	"origin_unit_id" integer,
	"category" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"anonymous" boolean NOT NULL,
	"author_person_id" integer,
	"recorded_by" integer,
	"status" text DEFAULT 'new' NOT NULL,
	"handler_account_id" integer,
	"sent_on" date NOT NULL,
	"due_on" date NOT NULL,
	"attachment_name" text,
	"attachment_mime" text,
	"attachment" "bytea",
	CONSTRAINT "feedback_items_anonymous_has_no_author" CHECK ("feedback_items"."anonymous" = ("feedback_items"."author_person_id" is null) and (not "feedback_items"."anonymous" or ("feedback_items"."recorded_by" is null and "feedback_items"."origin_unit_id" is null))),
	CONSTRAINT "feedback_items_lengths" CHECK (length("feedback_items"."subject") between 1 and 300 and length("feedback_items"."body") between 1 and 10000),
	CONSTRAINT "feedback_items_attachment" CHECK (("feedback_items"."attachment" is null) = ("feedback_items"."attachment_name" is null))
);
--> statement-breakpoint
ALTER TABLE "meeting_answers" ADD CONSTRAINT "meeting_answers_question_id_meeting_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."meeting_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_answers" ADD CONSTRAINT "meeting_answers_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_ballots" ADD CONSTRAINT "meeting_ballots_question_id_meeting_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."meeting_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_ballots" ADD CONSTRAINT "meeting_ballots_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_materials" ADD CONSTRAINT "meeting_materials_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_materials" ADD CONSTRAINT "meeting_materials_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_minutes" ADD CONSTRAINT "meeting_minutes_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_questions" ADD CONSTRAINT "meeting_questions_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_roster" ADD CONSTRAINT "meeting_roster_meeting_id_meetings_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."meetings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_roster" ADD CONSTRAINT "meeting_roster_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_secret_choices" ADD CONSTRAINT "meeting_secret_choices_question_id_meeting_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."meeting_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_chair_person_id_people_id_fk" FOREIGN KEY ("chair_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_minute_taker_person_id_people_id_fk" FOREIGN KEY ("minute_taker_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_evaluations" ADD CONSTRAINT "member_evaluations_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_evaluations" ADD CONSTRAINT "member_evaluations_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_evaluations" ADD CONSTRAINT "member_evaluations_question_id_meeting_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."meeting_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_evaluations" ADD CONSTRAINT "member_evaluations_final_unit_id_units_id_fk" FOREIGN KEY ("final_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_anonymous_authors" ADD CONSTRAINT "feedback_anonymous_authors_item_id_feedback_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."feedback_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_anonymous_authors" ADD CONSTRAINT "feedback_anonymous_authors_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_events" ADD CONSTRAINT "feedback_events_item_id_feedback_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."feedback_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_events" ADD CONSTRAINT "feedback_events_from_unit_id_units_id_fk" FOREIGN KEY ("from_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_events" ADD CONSTRAINT "feedback_events_to_unit_id_units_id_fk" FOREIGN KEY ("to_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_first_unit_id_units_id_fk" FOREIGN KEY ("first_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_origin_unit_id_units_id_fk" FOREIGN KEY ("origin_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback_items" ADD CONSTRAINT "feedback_items_author_person_id_people_id_fk" FOREIGN KEY ("author_person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "meeting_materials_meeting_idx" ON "meeting_materials" USING btree ("meeting_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_minutes_version_key" ON "meeting_minutes" USING btree ("meeting_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_minutes_one_draft" ON "meeting_minutes" USING btree ("meeting_id") WHERE "meeting_minutes"."status" = 'draft';--> statement-breakpoint
CREATE INDEX "meeting_questions_meeting_idx" ON "meeting_questions" USING btree ("meeting_id");--> statement-breakpoint
CREATE INDEX "meeting_secret_choices_question_idx" ON "meeting_secret_choices" USING btree ("question_id");--> statement-breakpoint
CREATE INDEX "meetings_unit_idx" ON "meetings" USING btree ("unit_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "meetings_regular_period_key" ON "meetings" USING btree ("unit_id","period") WHERE "meetings"."kind" = 'regular' and "meetings"."status" <> 'cancelled';--> statement-breakpoint
CREATE UNIQUE INDEX "member_evaluations_person_year_key" ON "member_evaluations" USING btree ("person_id","year");--> statement-breakpoint
CREATE INDEX "member_evaluations_unit_idx" ON "member_evaluations" USING btree ("unit_id","year");--> statement-breakpoint
CREATE INDEX "feedback_anonymous_authors_person_idx" ON "feedback_anonymous_authors" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "feedback_events_item_idx" ON "feedback_events" USING btree ("item_id","id");--> statement-breakpoint
CREATE INDEX "feedback_events_to_unit_idx" ON "feedback_events" USING btree ("to_unit_id");--> statement-breakpoint
CREATE INDEX "feedback_items_unit_idx" ON "feedback_items" USING btree ("unit_id","status");--> statement-breakpoint
CREATE INDEX "feedback_items_first_unit_idx" ON "feedback_items" USING btree ("first_unit_id");--> statement-breakpoint
CREATE INDEX "feedback_items_author_idx" ON "feedback_items" USING btree ("author_person_id");