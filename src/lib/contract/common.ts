import { z } from 'zod';
import { errorCodes } from '../enums';

/** ISO-8601 with milliseconds; any offset is accepted on input, answers are always UTC (`Z`). */
const isoDateTime = z.iso.datetime({ offset: true });
const notYearZero = (s: string) => !s.startsWith('0000');
export const timestamp = isoDateTime.refine(
  notYearZero,
  'Year 0000 does not exist (the calendar goes from 1 BC to 1 AD)',
);
// zod's own pattern for the format (set when the schema is made): the same test without a parse.
const TIMESTAMP_PATTERN = isoDateTime.def.pattern!;
/**
 * `timestamp`'s test without a zod parse (its pattern and refinement), for loops over many values:
 * a safeParse per event was most of a batch check's cost. tests/unit/events-fast-check.test.ts holds
 * the two together.
 */
export const isTimestamp = (s: string) => TIMESTAMP_PATTERN.test(s) && notYearZero(s);
export const uuid = z.uuid();
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value. Request bodies come from JSON.parse, so every value in them already is one; z.json()
 * re-walked each node and was most of the cost of validating an event batch. This only refuses what
 * JSON cannot carry (undefined, functions, symbols, bigints) at the top. OpenAPI shows it as `{}`.
 */
export const isJsonValue = (v: unknown): v is JsonValue =>
  v !== undefined && typeof v !== 'function' && typeof v !== 'symbol' && typeof v !== 'bigint';
export const json = z.custom<JsonValue>(isJsonValue, 'Expected a JSON value');
export const metadata = z.record(z.string(), json);

/** The largest value of an int4 column (a seq): a larger one is a bad request, not a database error. */
export const MAX_INT32 = 2_147_483_647;

export const int32 = z.number().int().min(0).max(MAX_INT32);

export const limitParam = (max: number, dflt: number) =>
  z.coerce.number().int().min(1).max(max).default(dflt);
export const cursorParam = z.string().min(1).max(500).optional();

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), nextCursor: z.string().nullable() });

export const errorBody = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});

export type Page<T> = { data: T[]; nextCursor: string | null };
