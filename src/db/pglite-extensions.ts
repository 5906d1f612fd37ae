import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/**
 * The extensions the migrations create (pg_trgm: the trigram index behind the runs search). Every
 * PGlite instance that opens runledger's data must load them, or the index's operators are missing.
 */
export const pgliteExtensions = { pg_trgm };
