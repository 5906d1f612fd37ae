import { type SQL, sql } from 'drizzle-orm';

/**
 * A WITH item a raw SQL fragment reads from: its name, its definition (the item itself, after any items
 * it reads from) and the columns it promises. A fragment that reads a relation takes it as an argument
 * (`Relation<'run_id' | 'seq'>`: at least these columns) and places its definition, so the caller cannot
 * leave it out or name it differently. The columns are the TypeScript side of the item's SELECT list.
 */
export type Relation<Cols extends string> = {
  readonly name: SQL;
  readonly definition: SQL;
  readonly columns: readonly string[];
  /** Whether the item gives `column` (its parameter type makes a wider relation fit a narrower need). */
  readonly has: (column: Cols) => boolean;
};

/**
 * The WITH item `name as (body)`, after `needs` (items it reads, each `x as (...)`, comma-separated).
 * `columns`: what the body's SELECT list (or RETURNING) gives.
 */
export function relation<Cols extends string>(
  name: string,
  columns: readonly Cols[],
  body: SQL,
  needs?: SQL,
): Relation<Cols> {
  const ref = sql.raw(name);
  return {
    name: ref,
    definition: needs
      ? sql`${needs},
    ${ref} as (${body})`
      : sql`${ref} as (${body})`,
    columns,
    has: (column) => columns.includes(column),
  };
}
