import 'server-only';
import type { z } from 'zod';
import { currentUser, FOREIGN_ORIGIN, sameOriginRequest } from '@/app/_lib/session';
import type { SessionUser } from '@/server/accounts/sign-in';
import { toAppError } from '@/server/errors';
import { markOwnWrite } from './read-db';

/** What a validated action answers; `useActionState` keeps it as the form's state. */
export type ActionState<T extends object = object> =
  | {
      ok?: undefined;
      error?: string;
      fieldErrors?: Record<string, string[]>;
      values?: Record<string, string>;
    }
  | ({ ok: true; error?: undefined; fieldErrors?: undefined } & T);

function formDataToObject(data: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of data) if (typeof v === 'string' && !k.startsWith('$ACTION')) out[k] = v;
  return out;
}

/**
 * The checks every server action makes, in order: refuses a missing or foreign Origin, finds who is
 * acting (`who` answers null when the action needs a session and there is none), parses the FormData
 * (or a plain object) with `schema` answering every field's error, and turns AppErrors into a message.
 */
function checkedAction<S extends z.ZodType, T extends object, W>(
  schema: S,
  who: () => Promise<W | null>,
  fn: (data: z.output<S>, who: W) => Promise<T>,
) {
  return async (
    _prev: ActionState<T> | null,
    input: FormData | Record<string, unknown>,
  ): Promise<ActionState<T>> => {
    if (!(await sameOriginRequest())) return { error: FOREIGN_ORIGIN };
    const actor = await who();
    if (actor === null) return { error: 'Your session has expired. Sign in again.' };
    const raw = input instanceof FormData ? formDataToObject(input) : input;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join('.') || '_';
        fieldErrors[field] = [...(fieldErrors[field] ?? []), issue.message];
      }
      return {
        error: 'Please correct the highlighted fields.',
        fieldErrors,
        values: input instanceof FormData ? (raw as Record<string, string>) : undefined,
      };
    }
    try {
      const result = await fn(parsed.data, actor);
      await markOwnWrite();
      return { ok: true, ...result };
    } catch (err) {
      const known = toAppError(err);
      if (known) return { error: known.message };
      // redirect()/notFound() signal through thrown errors: let them through. An action that
      // redirects has written (a delete, then the list): the next page must not read a stale replica.
      await markOwnWrite();
      throw err;
    }
  };
}

/**
 * Wraps a server action of a signed-in user: the Origin check, the session, zod parsing with every
 * field's error, AppErrors as the form's message. Usable with `useActionState`.
 */
export function validatedAction<S extends z.ZodType, T extends object>(
  schema: S,
  fn: (data: z.output<S>, session: SessionUser) => Promise<T>,
) {
  return checkedAction(schema, currentUser, fn);
}

/**
 * The same wrapper for the few actions of someone not signed in yet (joining with a new account from an
 * invite): every check but the session.
 */
export function publicAction<S extends z.ZodType, T extends object>(
  schema: S,
  fn: (data: z.output<S>) => Promise<T>,
) {
  return checkedAction(
    schema,
    async () => true as const,
    (data) => fn(data),
  );
}
