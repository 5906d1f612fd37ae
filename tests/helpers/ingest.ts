import { expect } from 'vitest';

/** One `POST /runs/{id}/events` call and what the server answered (0: no answer, e.g. killed). */
export type SentBatch = {
  runId: string;
  firstSeq: number;
  size: number;
  status: number;
  /** When the call was sent (epoch ms) and how long it took. */
  at: number;
  ms: number;
  /** For an error answer: the body's error code (null: not the contract's JSON) and Retry-After. */
  code?: string | null;
  retryAfter?: string | null;
};

export type Ingest = {
  batches: SentBatch[];
  acked: () => number;
  /** Stops every client after its current request and resolves with every batch sent. */
  stop: () => Promise<SentBatch[]>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function createRun(baseUrl: string, key: string, name: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, status: 'running' }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { run: { id: string } }).run.id;
}

/**
 * `clients` concurrent clients (keep-alive fetch), each appending batches of `batchSize` events with
 * consecutive seqs to its own run, as fast as the server answers, until stopped. A failed call (no
 * answer, a 5xx) is not retried: the next batch gets new seqs, so each batch's fate can be checked.
 */
export async function startIngest(
  baseUrl: string,
  key: string,
  opts: { clients?: number; batchSize?: number; label?: string } = {},
): Promise<Ingest> {
  const clients = opts.clients ?? 8;
  const batchSize = opts.batchSize ?? 200;
  const runIds = await Promise.all(
    Array.from({ length: clients }, (_, i) => createRun(baseUrl, key, `${opts.label ?? 'ingest'} ${i}`)),
  );
  const batches: SentBatch[] = [];
  let stopped = false;
  const loops = runIds.map(async (runId) => {
    for (let firstSeq = 0; !stopped; firstSeq += batchSize) {
      const events = Array.from({ length: batchSize }, (_, i) => ({
        seq: firstSeq + i,
        type: 'text-delta',
        payload: { delta: `event ${firstSeq + i} of ${runId}` },
      }));
      const t0 = Date.now();
      let status = 0;
      let code: string | null | undefined;
      let retryAfter: string | null | undefined;
      try {
        const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/events`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ events }),
          signal: AbortSignal.timeout(30_000),
        });
        status = res.status;
        const text = await res.text();
        if (status !== 200) {
          retryAfter = res.headers.get('retry-after');
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
          } catch {
            code = null;
          }
        }
      } catch {
        status = 0;
      }
      batches.push({
        runId,
        firstSeq,
        size: batchSize,
        status,
        at: t0,
        ms: Date.now() - t0,
        code,
        retryAfter,
      });
      if (status !== 200) await sleep(50);
    }
  });
  return {
    batches,
    acked: () => batches.filter((b) => b.status === 200).length,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      return batches;
    },
  };
}

/** Every stored seq of a run, read back through the API. */
export async function storedSeqs(baseUrl: string, key: string, runId: string): Promise<Set<number>> {
  const seqs = new Set<number>();
  let cursor: string | null = null;
  do {
    const url = new URL(`${baseUrl}/api/v1/runs/${runId}/events`);
    url.searchParams.set('limit', '5000');
    if (cursor) url.searchParams.set('cursor', cursor);
    const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as { data: { seq: number }[]; nextCursor: string | null };
    for (const e of page.data) {
      expect(seqs.has(e.seq), `seq ${e.seq} of run ${runId} read twice`).toBe(false);
      seqs.add(e.seq);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return seqs;
}

export type StoredCheck = {
  acked: number;
  ackedEvents: number;
  lost: number;
  partial: number;
  unacked: number;
};

/**
 * Checks the batches against what the server stores now: every batch answered 200 is stored whole,
 * and no batch is stored in part (a batch with no answer may be stored whole or not at all).
 */
export async function checkStored(baseUrl: string, key: string, batches: SentBatch[]): Promise<StoredCheck> {
  const byRun = new Map<string, Set<number>>();
  for (const runId of new Set(batches.map((b) => b.runId))) {
    byRun.set(runId, await storedSeqs(baseUrl, key, runId));
  }
  const out: StoredCheck = { acked: 0, ackedEvents: 0, lost: 0, partial: 0, unacked: 0 };
  for (const b of batches) {
    const seqs = byRun.get(b.runId)!;
    let present = 0;
    for (let s = b.firstSeq; s < b.firstSeq + b.size; s++) if (seqs.has(s)) present++;
    if (present !== 0 && present !== b.size) out.partial++;
    if (b.status === 200) {
      out.acked++;
      out.ackedEvents += b.size;
      out.lost += b.size - present;
    } else {
      out.unacked++;
    }
  }
  return out;
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
