import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectPostgres, type DbConnection } from '@/db/client';
import { describeEachServer } from '../../helpers/shared-server';
import { counterMismatches } from '../../helpers/usage';

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };

/** Runs `total` tasks on `clients` concurrent loops (each a client waiting for its answer). */
async function hammer<T>(clients: number, total: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

const statuses = (answers: Answer[]) => {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
};

// 1000 HTTP requests take a few seconds on an idle machine; the timeout leaves room for a busy CI box.
const HEAVY = 180_000;

describeEachServer('API usage under concurrent clients', ({ api, server, driver }) => {
  const call = async (path: string, body?: unknown, method = 'POST'): Promise<Answer> => {
    const res = await api(path, { method, body });
    return { status: res.status, body: await res.json(), headers: res.headers };
  };
  const record = (body: unknown) => call('/api/v1/usage', body);
  const quota = (body: unknown) => call('/api/v1/quotas', body, 'PUT');
  const windows = async (subject: string, metric: string) =>
    (await call(`/api/v1/usage?subject=${subject}&metric=${metric}`, undefined, 'GET')).body.windows as {
      window: string;
      used: number;
      limit: number;
    }[];

  // PGlite serializes every statement; still a useful check that concurrent HTTP clients agree.
  it('never lets concurrent clients past a hard limit', async () => {
    await quota({ subject: '*', metric: 'small', window: 'day', limit: 20 });
    const answers = await hammer(16, 60, () => record({ subject: 'x', metric: 'small', amount: 1 }));
    expect(statuses(answers)).toEqual({ 200: 20, 429: 40 });
    expect((await windows('x', 'small'))[0]!.used).toBe(20);
  });

  if (driver === 'postgres') {
    let sqlc: postgres.Sql;
    let conn: DbConnection;
    const projectId = () => server().projectIds.main!;
    beforeAll(() => {
      sqlc = postgres(server().databaseUrl!, { max: 2, onnotice: () => {} });
      conn = connectPostgres(server().databaseUrl!, 2);
    });
    afterAll(async () => {
      await sqlc?.end({ timeout: 5 });
      await conn?.close();
    });
    const ledger = async (metric: string, subject: string) => {
      const [row] = await sqlc<{ total: number; rows: number }[]>`
        select coalesce(sum(amount), 0)::float8 as total, count(*)::int as rows from usage_events
        where project_id = ${projectId()} and metric = ${metric} and subject = ${subject}`;
      return { total: Number(row!.total), rows: Number(row!.rows) };
    };

    it(
      '64 clients, 1000 requests of 1 against a hard daily 500: exactly 500 allowed',
      async () => {
        await quota({ subject: '*', metric: 'requests', window: 'day', limit: 500 });
        const answers = await hammer(64, 1000, () =>
          record({ subject: 'hot', metric: 'requests', amount: 1 }),
        );
        expect(statuses(answers)).toEqual({ 200: 500, 429: 500 });
        for (const a of answers.filter((x) => x.status === 429)) {
          expect((a.body.error as { code: string }).code).toBe('quota_exceeded');
          expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
          expect(a.headers.get('ratelimit-limit')).toBe('500');
          expect(a.headers.get('ratelimit-remaining')).toBe('0');
        }
        // Every accepted answer saw a distinct count: no two clients took the same unit.
        const seen = answers
          .filter((a) => a.status === 200)
          .map((a) => (a.body.windows as { used: number }[])[0]!.used)
          .sort((x, y) => x - y);
        expect(seen).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
        expect(await windows('hot', 'requests')).toEqual([
          expect.objectContaining({ window: 'day', limit: 500, used: 500, remaining: 0 }),
        ]);
        expect(await ledger('requests', 'hot')).toEqual({ total: 500, rows: 500 });
        expect(await counterMismatches(conn.db, projectId())).toEqual([]);
      },
      HEAVY,
    );

    it(
      'keeps a minute and a day quota all or nothing under the same race',
      async () => {
        // No waiting for a fresh minute: a race that crosses a minute boundary is checked per minute below.
        const startedMinute = Math.floor(Date.now() / 60_000);
        await quota({ subject: '*', metric: 'calls', window: 'minute', limit: 150 });
        await quota({ subject: '*', metric: 'calls', window: 'day', limit: 500 });
        const answers = await hammer(64, 1000, () => record({ subject: 'hot', metric: 'calls', amount: 1 }));
        const sameMinute = Math.floor(Date.now() / 60_000) === startedMinute;
        const { total, rows } = await ledger('calls', 'hot');
        expect(rows).toBe(total);
        expect(statuses(answers)[200]).toBe(total);
        if (sameMinute) {
          expect(statuses(answers)).toEqual({ 200: 150, 429: 850 });
          expect((await windows('hot', 'calls')).map((w) => [w.window, w.used])).toEqual([
            ['minute', 150],
            ['day', 150],
          ]);
        } else {
          // The race outlived its minute: each minute still took at most 150, the day at most 500.
          const perMinute = await sqlc<{ n: number }[]>`
          select count(*)::int as n from usage_events where project_id = ${projectId()} and metric = 'calls'
          group by date_trunc('minute', occurred_at)`;
          for (const m of perMinute) expect(m.n).toBeLessThanOrEqual(150);
          expect(total).toBeLessThanOrEqual(500);
        }
        // Every refusal names a window that was full at that moment, and no refused request was recorded.
        for (const a of answers.filter((x) => x.status === 429)) {
          expect(
            (a.body.error as { details: { blockedBy: string[] } }).details.blockedBy.length,
          ).toBeGreaterThan(0);
        }
        expect(await counterMismatches(conn.db, projectId())).toEqual([]);
      },
      HEAVY,
    );

    it(
      'races reservations, commits and releases without passing the limit except by recorded overruns',
      async () => {
        const limit = 2000;
        await quota({ subject: '*', metric: 'llm_tokens', window: 'day', limit });
        let overruns = 0;
        const outcomes = await hammer(64, 400, async (i) => {
          const amount = 10 + (i % 41);
          const held = await call('/api/v1/usage/reservations', {
            subject: 'agent',
            metric: 'llm_tokens',
            amount,
          });
          if (held.status !== 201) return held.status;
          const w = (held.body.windows as { used: number }[])[0]!;
          // A hold is only granted while it fits: the counter never passes the limit by a hold.
          expect(w.used).toBeLessThanOrEqual(limit + overruns);
          const id = (held.body.reservation as { id: string }).id;
          if (i % 5 === 0) {
            expect((await call(`/api/v1/usage/reservations/${id}/release`)).status).toBe(200);
            return 'released';
          }
          // Mostly under the hold, every 7th over it (the work already happened).
          const actual = i % 7 === 0 ? amount + 5 : Math.floor(amount / 2);
          const settled = await call(`/api/v1/usage/reservations/${id}/commit`, { amount: actual });
          expect(settled.status).toBe(200);
          overruns += settled.body.overrunBy as number;
          // A second settle of the same reservation always conflicts.
          expect((await call(`/api/v1/usage/reservations/${id}/commit`, { amount: actual })).status).toBe(
            409,
          );
          return 'committed';
        });
        const committed = outcomes.filter((o) => o === 'committed').length;
        expect(committed).toBeGreaterThan(0);
        expect(outcomes.filter((o) => o === 429).length).toBeGreaterThan(0);
        expect(outcomes.every((o) => o === 'committed' || o === 'released' || o === 429)).toBe(true);

        const { total } = await ledger('llm_tokens', 'agent');
        expect(total).toBeLessThanOrEqual(limit + overruns);
        const [held] = await sqlc<{ n: number }[]>`
        select count(*)::int as n from usage_reservations where project_id = ${projectId()} and status = 'held'
          and metric = 'llm_tokens'`;
        expect(held!.n).toBe(0);
        // Nothing held any more: the counter is exactly the ledger.
        expect((await windows('agent', 'llm_tokens'))[0]!.used).toBe(total);
        expect(await counterMismatches(conn.db, projectId())).toEqual([]);
      },
      HEAVY,
    );

    it(
      'answers concurrent retries with one idempotencyKey once: one ledger row, one answer',
      async () => {
        await quota({ subject: '*', metric: 'idem', window: 'day', limit: 100 });
        const key = `retry-${randomUUID()}`;
        const answers = await hammer(32, 32, () =>
          record({ subject: 'r', metric: 'idem', amount: 7, idempotencyKey: key }),
        );
        expect(statuses(answers)).toEqual({ 200: 32 });
        for (const a of answers) expect(a.body).toEqual(answers[0]!.body);
        expect((answers[0]!.body.windows as { used: number }[])[0]!.used).toBe(7);
        const rows =
          await sqlc`select id from usage_events where project_id = ${projectId()} and idempotency_key = ${key}`;
        expect(rows).toHaveLength(1);
        expect(await ledger('idem', 'r')).toEqual({ total: 7, rows: 1 });

        const rkey = `retry-res-${randomUUID()}`;
        const holds = await hammer(32, 32, () =>
          call('/api/v1/usage/reservations', {
            subject: 'r',
            metric: 'idem',
            amount: 20,
            idempotencyKey: rkey,
          }),
        );
        expect(statuses(holds)).toEqual({ 201: 32 });
        const ids = new Set(holds.map((h) => (h.body.reservation as { id: string }).id));
        expect(ids.size).toBe(1);
        expect((await windows('r', 'idem'))[0]!.used).toBe(27);
        expect(await counterMismatches(conn.db, projectId())).toEqual([]);
      },
      HEAVY,
    );
  }
});
