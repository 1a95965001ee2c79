-- Vietnamese full-text search, the same on PGlite and PostgreSQL: a configuration copied from
-- `simple` whose word tokens go through `unaccent` (which folds tone marks and đ/Đ → d/D, and
-- handles decomposed input) before `simple` lower-cases them. "nghi quyet" finds "nghị quyết".
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION sotay_vi (COPY = simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION sotay_vi
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart
  WITH unaccent, simple;
