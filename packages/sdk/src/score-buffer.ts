import type { ScoreInput } from './contract';
import type { Runledger } from './client';
import { BatchBuffer, isRefusal } from './batch-buffer';

export type ScoreBufferOptions = {
  /** Scores per `POST /scores` call; a full batch is sent at once. Default 1000, at most 1000. */
  maxBatch?: number;
  /** How long a queued score may wait before it is sent. Default 250 ms. */
  flushIntervalMs?: number;
  /** Called for every failed background send (the scores stay queued, or go to `rejected` on a 4xx). */
  onError?: (error: unknown) => void;
};

/** A queued score: its id is always set, so every send of it is idempotent. */
export type QueuedScore = ScoreInput & { id: string };

/** Refusals that concern some scores of a batch, not the call: the batch is split to find them. */
const PER_SCORE_STATUSES = new Set([400, 404, 409, 422]);

/**
 * Collects scores (of any runs) and sends them in batches, by size (`maxBatch`) and by time
 * (`flushIntervalMs`), one request at a time, with the same rules as the {@link EventBuffer}:
 *
 * - Every score carries an id (given, or generated when queued), so a retry stores nothing twice.
 * - Network errors and 5xx are retried (the client's backoff, then again at the next tick, backing
 *   off); failed scores stay queued and nothing is dropped.
 * - A 4xx cannot succeed by retrying. The server answers a batch as one, so a batch refused for its
 *   content (400, 404, 409, 422) is split in halves and sent again until the refused scores are
 *   found: only they move to {@link rejected}, and the error is thrown by the next `flush()`/`close()`.
 * - The timer does not keep a Node process alive; call `flush()` or `close()` before exiting, or
 *   scores still queued are lost with the process.
 */
export class ScoreBuffer extends BatchBuffer<QueuedScore> {
  private readonly client: Runledger;

  constructor(client: Runledger, options: ScoreBufferOptions = {}) {
    super({
      maxBatch: Math.min(1000, Math.max(1, options.maxBatch ?? 1000)),
      flushIntervalMs: Math.max(0, options.flushIntervalMs ?? 250),
      onError: options.onError,
    });
    this.client = client;
  }

  /** Queues scores and returns their ids, in input order. Do not mutate a score after queueing it. */
  push(scores: ScoreInput | ScoreInput[]): string[] {
    if (this.closed) throw new Error('ScoreBuffer: push() after close()');
    const list = (Array.isArray(scores) ? scores : [scores]).map((s) => ({
      ...s,
      id: s.id ?? crypto.randomUUID(),
    }));
    this.enqueue(list);
    return list.map((s) => s.id);
  }

  /** A batch refused for its content is split in halves until the refused scores are found. */
  protected async sendBatch(batch: QueuedScore[]): Promise<void> {
    try {
      await this.client.addScores(batch);
      this.settle(batch);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      if (batch.length > 1 && PER_SCORE_STATUSES.has(err.status)) {
        // Each half is stored or refused on its own; what was stored before the split is a duplicate.
        const half = Math.ceil(batch.length / 2);
        await this.sendBatch(batch.slice(0, half));
        await this.sendBatch(batch.slice(half));
        return;
      }
      this.refuse(batch, err);
    }
  }
}
