-- Trigram matching for the runs search (name ILIKE '%term%' through a GIN index). pg_trgm is a
-- trusted extension: the database owner may create it without superuser rights.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
