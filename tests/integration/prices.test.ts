import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '@/db/sql';
import { appendEvents } from '@/server/events';
import {
  createRecomputeJob,
  getRecomputeJob,
  priceInForce,
  RECOMPUTE_BATCH,
  runRecomputeJob,
  seedCommonPrices,
  upsertPrice,
} from '@/server/prices';
import { createRun, getRunById, updateRun } from '@/server/runs';
import { describeEachDb } from '../helpers/db';
import { makeProject } from '../helpers/fixtures';

describeEachDb('model prices', ({ db }) => {
  it('picks the price in force on a day: the latest effectiveFrom on or before it, per project', async () => {
    const p = await makeProject(db());
    const other = await makeProject(db());
    await upsertPrice(db(), p.id, {
      model: 'm',
      inputPerMillion: 1,
      outputPerMillion: 2,
      effectiveFrom: '2026-01-01',
    });
    await upsertPrice(db(), p.id, {
      model: 'm',
      inputPerMillion: 3,
      outputPerMillion: 4,
      effectiveFrom: '2026-03-01',
    });
    await upsertPrice(db(), other.id, {
      model: 'm',
      inputPerMillion: 9,
      outputPerMillion: 9,
      effectiveFrom: '2025-01-01',
    });
    const at = async (iso: string) =>
      (await priceInForce(db(), p.id, 'm', new Date(iso)))?.inputPerMillion ?? null;
    expect(await at('2025-12-31T23:59:59.999Z')).toBeNull();
    expect(await at('2026-01-01T00:00:00.000Z')).toBe(1);
    expect(await at('2026-02-28T23:59:59.999Z')).toBe(1);
    expect(await at('2026-03-01T00:00:00.000Z')).toBe(3);
    expect(await at('2030-01-01T00:00:00.000Z')).toBe(3);
    expect(await priceInForce(db(), p.id, 'other-model', new Date())).toBeNull();
    // The same model and day again replaces that row.
    await upsertPrice(db(), p.id, {
      model: 'm',
      inputPerMillion: 5,
      outputPerMillion: 6,
      effectiveFrom: '2026-03-01',
    });
    expect(await at('2026-04-01T00:00:00.000Z')).toBe(5);
  });

  it('prices runs and usage events that carry tokens and no cost; a client-sent cost wins', async () => {
    const p = await makeProject(db());
    await upsertPrice(db(), p.id, {
      model: 'gpt-x',
      inputPerMillion: 2,
      outputPerMillion: 10,
      cachedInputPerMillion: 0.5,
      effectiveFrom: '2026-01-01',
    });
    await upsertPrice(db(), p.id, {
      model: 'gpt-x',
      inputPerMillion: 4,
      outputPerMillion: 20,
      effectiveFrom: '2026-06-01',
    });
    const started = '2026-02-10T10:00:00.000Z';
    const priced = await createRun(db(), p.id, {
      name: 'priced',
      model: 'gpt-x',
      startedAt: started,
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      userId: 'u1',
    });
    expect(priced.run.costUsd).toBeCloseTo(2 + 1);
    expect(priced.run.costSource).toBe('price');
    const client = await createRun(db(), p.id, {
      name: 'c',
      model: 'gpt-x',
      inputTokens: 1000,
      costUsd: 0.5,
    });
    expect(client.run.costUsd).toBe(0.5);
    expect(client.run.costSource).toBe('client');
    const noPrice = await createRun(db(), p.id, { name: 'n', model: 'unknown', inputTokens: 1000 });
    expect(noPrice.run.costUsd).toBe(0);

    // usage events: priced at their own time (ts), cached input at the cached price, client cost kept.
    const run = (await createRun(db(), p.id, { name: 'events', model: 'gpt-x', userId: 'u1' })).run;
    await appendEvents(db(), p.id, run.id, [
      {
        seq: 0,
        type: 'usage',
        ts: '2026-02-01T00:00:00.000Z',
        payload: { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 500_000 },
      },
      {
        seq: 1,
        type: 'usage',
        ts: '2026-07-01T00:00:00.000Z',
        payload: { inputTokens: 0, outputTokens: 1_000_000 },
      },
    ]);
    let stored = await getRunById(db(), p.id, run.id);
    expect(stored!.costUsd).toBeCloseTo(0.5 * 2 + 0.5 * 0.5 + 20);
    expect(stored!.costSource).toBe('price');
    const ledger = await queryRows<{ amount: string }>(
      db(),
      sql`select amount from usage_events where run_id = ${run.id}::uuid and metric = 'cost_micros' order by id`,
    );
    expect(ledger.map((r) => Number(r.amount))).toEqual([1_250_000, 20_000_000]);
    await appendEvents(db(), p.id, run.id, [
      { seq: 2, type: 'usage', payload: { inputTokens: 1_000_000, outputTokens: 0, costUsd: 0.01 } },
    ]);
    stored = await getRunById(db(), p.id, run.id);
    expect(stored!.costUsd).toBeCloseTo(21.25 + 0.01);
    expect(stored!.costSource).toBe('client');

    // PATCH with new token totals and no cost: priced again; with a cost: that cost.
    const patched = await updateRun(db(), p.id, priced.run.id, { outputTokens: 0 });
    expect(patched.costUsd).toBeCloseTo(2);
    const clientPatched = await updateRun(db(), p.id, priced.run.id, { costUsd: 7 });
    expect(clientPatched.costSource).toBe('client');
    expect((await updateRun(db(), p.id, priced.run.id, { inputTokens: 5 })).costUsd).toBe(7);
  });

  it('recomputes the priced runs of a date range in batches after a price change', async () => {
    const p = await makeProject(db());
    await upsertPrice(db(), p.id, {
      model: 'm',
      inputPerMillion: 1,
      outputPerMillion: 1,
      effectiveFrom: '2026-01-01',
    });
    const n = RECOMPUTE_BATCH + 3;
    await db().execute(sql`insert into runs (project_id, name, model, created_at, started_at, input_tokens, total_tokens, cost_usd, cost_source)
      select ${p.id}::uuid, 'r' || i, 'm', '2026-02-01'::timestamptz + i * interval '1 minute', '2026-02-01'::timestamptz,
             1000000, 1000000, 1, 'price' from generate_series(1, ${n}) i`);
    const client = (
      await createRun(db(), p.id, {
        name: 'client',
        model: 'm',
        inputTokens: 1_000_000,
        costUsd: 1,
        startedAt: '2026-02-01T00:00:00.000Z',
      })
    ).run;
    const outside = (
      await createRun(db(), p.id, {
        name: 'outside',
        model: 'm',
        inputTokens: 1_000_000,
        startedAt: '2026-05-01T00:00:00.000Z',
      })
    ).run;
    await upsertPrice(db(), p.id, {
      model: 'm',
      inputPerMillion: 3,
      outputPerMillion: 3,
      effectiveFrom: '2026-01-15',
    });
    const job = await createRecomputeJob(db(), p.id, { model: 'm', from: '2026-02-01', to: '2026-02-28' });
    await runRecomputeJob(db(), p.id, job.id);
    const done = await getRecomputeJob(db(), p.id, job.id);
    expect(done).toMatchObject({ status: 'done', processed: n });
    const [row] = await queryRows<{ priced: number; n: number }>(
      db(),
      sql`select count(*) filter (where cost_usd = 3)::int as priced, count(*)::int as n from runs
          where project_id = ${p.id}::uuid and cost_source = 'price' and created_at < '2026-03-01'`,
    );
    expect(row).toEqual({ priced: n, n });
    expect((await getRunById(db(), p.id, client.id))!.costUsd).toBe(1);
    // Created today (outside the range): untouched, still at the price it was given at ingest.
    expect((await getRunById(db(), p.id, outside.id))!.costUsd).toBe(1);
    await expect(
      createRecomputeJob(db(), p.id, { from: '2026-03-01', to: '2026-02-01' }),
    ).rejects.toMatchObject({
      code: 'bad_request',
    });
  });

  it('prices a run by one rule at ingest, on PATCH and on recompute; recompute keeps client costs', async () => {
    const p = await makeProject(db());
    const price = (model: string, input: number, output: number, effectiveFrom: string) =>
      upsertPrice(db(), p.id, { model, inputPerMillion: input, outputPerMillion: output, effectiveFrom });
    await price('m', 2, 10, '2026-01-01');
    await price('m2', 1, 1, '2026-01-01');
    // The run's own tokens at its start, plus each usage event for its model at its time.
    const run = (
      await createRun(db(), p.id, {
        name: 'mixed',
        model: 'm',
        startedAt: '2026-02-10T00:00:00.000Z',
        inputTokens: 1_000_000,
      })
    ).run;
    await appendEvents(db(), p.id, run.id, [
      {
        seq: 0,
        type: 'usage',
        ts: '2026-03-02T00:00:00.000Z',
        payload: { inputTokens: 0, outputTokens: 1_000_000 },
      },
      {
        seq: 1,
        type: 'usage',
        ts: '2026-03-02T00:00:00.000Z',
        payload: { inputTokens: 1_000_000, outputTokens: 0, model: 'm2' },
      },
    ]);
    expect((await getRunById(db(), p.id, run.id))!.costUsd).toBeCloseTo(2 + 10 + 1, 9);
    // PATCH of the model (same totals): the same rule gives the same cost (not the totals at one price).
    expect((await updateRun(db(), p.id, run.id, { model: 'm' })).costUsd).toBeCloseTo(13, 9);
    // A client cost on one usage event makes the run's cost the client's: recompute leaves it.
    const clientRun = (await createRun(db(), p.id, { name: 'client event', model: 'm' })).run;
    await appendEvents(db(), p.id, clientRun.id, [
      { seq: 0, type: 'usage', payload: { inputTokens: 1_000_000, outputTokens: 0 } },
      { seq: 1, type: 'usage', payload: { inputTokens: 1, outputTokens: 0, costUsd: 0.5 } },
    ]);
    const clientCost = (await getRunById(db(), p.id, clientRun.id))!;
    expect(clientCost).toMatchObject({ costSource: 'client' });
    expect(clientCost.costUsd).toBeCloseTo(2.5, 9);
    const sentByClient = (
      await createRun(db(), p.id, { name: 'client', model: 'm', inputTokens: 1_000_000, costUsd: 0.1 })
    ).run;

    // A new price from March on: recompute re-prices the March events only.
    await price('m', 4, 20, '2026-03-01');
    const today = new Date().toISOString().slice(0, 10);
    const job = await createRecomputeJob(db(), p.id, { model: 'm', from: today, to: today });
    await runRecomputeJob(db(), p.id, job.id);
    expect((await getRunById(db(), p.id, run.id))!.costUsd).toBeCloseTo(2 + 20 + 1, 9);
    expect((await getRunById(db(), p.id, clientRun.id))!.costUsd).toBeCloseTo(2.5, 9);
    expect((await getRunById(db(), p.id, sentByClient.id))!.costUsd).toBe(0.1);
    // A job for m2 finds the run by its m2 event; nothing changed for m2, so neither does the cost.
    const m2 = await createRecomputeJob(db(), p.id, { model: 'm2', from: today, to: today });
    await runRecomputeJob(db(), p.id, m2.id);
    expect(await getRecomputeJob(db(), p.id, m2.id)).toMatchObject({ status: 'done', processed: 1 });
    expect((await getRunById(db(), p.id, run.id))!.costUsd).toBeCloseTo(23, 9);
  });

  it('seeds the common models once', async () => {
    const p = await makeProject(db());
    const first = await seedCommonPrices(db(), p.id);
    expect(first).toBeGreaterThan(3);
    expect(await seedCommonPrices(db(), p.id)).toBe(0);
    expect(await priceInForce(db(), p.id, 'gpt-4o', new Date())).toMatchObject({ inputPerMillion: 2.5 });
  });
});
