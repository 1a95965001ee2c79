CREATE TABLE "publication_audience" (
	"publication_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"audience_role" text NOT NULL,
	CONSTRAINT "publication_audience_publication_id_unit_id_pk" PRIMARY KEY("publication_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "publication_marks" (
	"person_id" integer NOT NULL,
	"publication_id" integer NOT NULL,
	"bookmarked" boolean DEFAULT false NOT NULL,
	"note" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "publication_marks_person_id_publication_id_pk" PRIMARY KEY("person_id","publication_id"),
	CONSTRAINT "publication_marks_note_len" CHECK (length("publication_marks"."note") <= 20000)
);
--> statement-breakpoint
CREATE TABLE "publication_reads" (
	"publication_id" integer NOT NULL,
	"person_id" integer NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	"read_recorded_by" integer,
	"studied_at" timestamp with time zone,
	"study_recorded_by" integer,
	"reflection" text,
	"reflection_at" timestamp with time zone,
	CONSTRAINT "publication_reads_publication_id_person_id_pk" PRIMARY KEY("publication_id","person_id"),
	CONSTRAINT "publication_reads_reflection_len" CHECK (length("publication_reads"."reflection") <= 20000)
);
--> statement-breakpoint
CREATE TABLE "publications" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"document_id" integer,
	"title" text,
	"body" text,
	"requirement" text NOT NULL,
	"reflection" boolean DEFAULT false NOT NULL,
	"due_on" date,
	"audience_role" text DEFAULT 'all' NOT NULL,
	"exclude_exempt" boolean DEFAULT false NOT NULL,
	"published_by" integer,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "publications_document_or_announcement" CHECK (("publications"."document_id" is null) = ("publications"."title" is not null and "publications"."body" is not null)),
	CONSTRAINT "publications_reflection_with_study" CHECK (not "publications"."reflection" or "publications"."requirement" = 'study'),
	CONSTRAINT "publications_due_needs_requirement" CHECK ("publications"."due_on" is null or "publications"."requirement" <> 'none')
);
--> statement-breakpoint
ALTER TABLE "publication_audience" ADD CONSTRAINT "publication_audience_publication_id_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."publications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_audience" ADD CONSTRAINT "publication_audience_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_marks" ADD CONSTRAINT "publication_marks_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_marks" ADD CONSTRAINT "publication_marks_publication_id_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."publications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_reads" ADD CONSTRAINT "publication_reads_publication_id_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."publications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_reads" ADD CONSTRAINT "publication_reads_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "publication_audience_unit_idx" ON "publication_audience" USING btree ("unit_id","audience_role","publication_id");--> statement-breakpoint
CREATE INDEX "publication_reads_person_idx" ON "publication_reads" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "publications_unit_idx" ON "publications" USING btree ("unit_id","published_at");--> statement-breakpoint
CREATE INDEX "publications_document_idx" ON "publications" USING btree ("document_id");