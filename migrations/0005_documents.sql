CREATE TABLE "document_attachments" (
	"id" serial PRIMARY KEY NOT NULL,
	"document_id" integer NOT NULL,
	"role" text NOT NULL,
	"file_name" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "document_links" (
	"id" serial PRIMARY KEY NOT NULL,
	"from_document_id" integer NOT NULL,
	"kind" text NOT NULL,
	"target_number" text NOT NULL,
	"target_key" text NOT NULL,
	"target_date" date,
	"target_kind" text,
	"to_document_id" integer
);
--> statement-breakpoint
CREATE TABLE "document_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"role" text NOT NULL,
	"file_name" text NOT NULL,
	"mime" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"direction" text NOT NULL,
	"number" text,
	"number_key" text,
	"symbol" text,
	"kind" text NOT NULL,
	"issuer" text,
	"issuer_key" text NOT NULL,
	"issuer_unit_id" integer,
	"place" text,
	"date" date,
	"urgency" text,
	"secrecy" text,
	"subject" text NOT NULL,
	"signer" text,
	"signer_title" text,
	"recipients" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"copies_to" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"received_stamp" jsonb,
	"text" text NOT NULL,
	"body" text NOT NULL,
	"cited_keys" text DEFAULT '' NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('sotay_vi'::regconfig, coalesce(number_key, '')), 'A') || setweight(to_tsvector('sotay_vi'::regconfig, coalesce(number, '') || ' ' || subject), 'B') || setweight(to_tsvector('sotay_vi'::regconfig, coalesce(issuer, '')), 'C') || setweight(to_tsvector('sotay_vi'::regconfig, cited_keys), 'C') || setweight(to_tsvector('sotay_vi'::regconfig, body), 'D')) STORED,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "documents_subject_present" CHECK (length("documents"."subject") > 0)
);
--> statement-breakpoint
CREATE TABLE "register_counters" (
	"unit_id" integer NOT NULL,
	"direction" text NOT NULL,
	"year" integer NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "register_counters_unit_id_direction_year_pk" PRIMARY KEY("unit_id","direction","year")
);
--> statement-breakpoint
CREATE TABLE "register_entries" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"document_id" integer NOT NULL,
	"direction" text NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"entry_date" date NOT NULL,
	"counterpart" text,
	"forwarded_to" text,
	"due_on" date,
	"copies" integer,
	"note" text,
	"handled_at" timestamp with time zone,
	"handled_by" integer,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "search_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "document_attachments" ADD CONSTRAINT "document_attachments_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_from_document_id_documents_id_fk" FOREIGN KEY ("from_document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "document_links" ADD CONSTRAINT "document_links_to_document_id_documents_id_fk" FOREIGN KEY ("to_document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_issuer_unit_id_units_id_fk" FOREIGN KEY ("issuer_unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_counters" ADD CONSTRAINT "register_counters_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_entries" ADD CONSTRAINT "register_entries_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "register_entries" ADD CONSTRAINT "register_entries_document_id_documents_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."documents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "document_attachments_document_idx" ON "document_attachments" USING btree ("document_id");--> statement-breakpoint
CREATE UNIQUE INDEX "document_links_from_key" ON "document_links" USING btree ("from_document_id","kind","target_key");--> statement-breakpoint
CREATE INDEX "document_links_to_idx" ON "document_links" USING btree ("to_document_id");--> statement-breakpoint
CREATE INDEX "document_links_pending_idx" ON "document_links" USING btree ("target_key") WHERE "document_links"."to_document_id" is null;--> statement-breakpoint
CREATE INDEX "document_uploads_created_idx" ON "document_uploads" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "documents_unit_idx" ON "documents" USING btree ("unit_id","date");--> statement-breakpoint
CREATE INDEX "documents_number_key_idx" ON "documents" USING btree ("number_key");--> statement-breakpoint
CREATE INDEX "documents_issuer_unit_idx" ON "documents" USING btree ("issuer_unit_id");--> statement-breakpoint
CREATE INDEX "documents_search_idx" ON "documents" USING gin ("search");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_dedupe_key" ON "documents" USING btree ("unit_id","number_key","issuer_key") WHERE "documents"."number_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "register_entries_seq_key" ON "register_entries" USING btree ("unit_id","direction","year","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "register_entries_document_key" ON "register_entries" USING btree ("document_id");--> statement-breakpoint
CREATE INDEX "register_entries_pending_idx" ON "register_entries" USING btree ("unit_id") WHERE "register_entries"."handled_at" is null;--> statement-breakpoint
CREATE INDEX "search_words_trgm_idx" ON "search_words" USING gin ("word" gin_trgm_ops);