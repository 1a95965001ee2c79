-- Extensions used by the schema. Both PGlite (0.5, PostgreSQL 18) and PostgreSQL 15 ship them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
