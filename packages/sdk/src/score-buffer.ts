import type { ScoreInput } from './contract';
import type { Runledger } from './client';
import { RunledgerError } from './errors';

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

type DrainMode = 'full' | 'all';

/** Background retries after a failed send back off up to this delay. */
const MAX_BACKGROUND_DELAY_MS = 30_000;

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
export class ScoreBuffer {
  /** Scores that the server refused with a 4xx; kept so that the caller can inspect or re-send them. */
  readonly rejected: QueuedScore[] = [];

  private readonly client: Runledger;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly onError?: (error: unknown) => void;
  private queue: QueuedScore[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private rejectedError: RunledgerError | undefined;
  private closed = false;

  constructor(client: Runledger, options: ScoreBufferOptions = {}) {
    this.client = client;
    this.maxBatch = Math.min(1000, Math.max(1, options.maxBatch ?? 1000));
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 250);
    this.onError = options.onError;
  }

  /** Scores queued and not yet stored. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues scores and returns their ids, in input order. Do not mutate a score after queueing it. */
  push(scores: ScoreInput | ScoreInput[]): string[] {
    if (this.closed) throw new Error('ScoreBuffer: push() after close()');
    const list = (Array.isArray(scores) ? scores : [scores]).map((s) => ({
      ...s,
      id: s.id ?? crypto.randomUUID(),
    }));
    this.queue.push(...list);
    if (this.queue.length >= this.maxBatch) this.sendInBackground('full');
    else if (this.queue.length > 0) this.schedule(this.flushIntervalMs);
    return list.map((s) => s.id);
  }

  /**
   * Sends everything queued and resolves once it is stored. Rejects with the error if scores could
   * not be stored (they stay queued) or if some were refused since the last flush (see `rejected`).
   */
  async flush(): Promise<void> {
    this.clearTimer();
    if (this.running) await this.running.catch(() => {});
    if (this.queue.length > 0) await this.drainOnce('all');
    const refused = this.rejectedError;
    if (refused) {
      this.rejectedError = undefined;
      throw refused;
    }
  }

  /** Flushes everything and stops the timer; no push is accepted afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private schedule(delayMs: number) {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sendInBackground('all');
    }, delayMs);
    // A pending flush must not keep a CLI or a test process alive.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private sendInBackground(mode: DrainMode) {
    if (mode === 'all') this.clearTimer();
    this.drainOnce(mode).then(
      () => {
        this.failures = 0;
        // Whatever is left (a partial batch, or scores queued meanwhile) waits for the timer.
        if (this.queue.length > 0) this.schedule(this.flushIntervalMs);
      },
      (err: unknown) => {
        this.failures++;
        this.onError?.(err);
        if (this.queue.length > 0) {
          this.schedule(Math.min(MAX_BACKGROUND_DELAY_MS, this.flushIntervalMs * 2 ** this.failures));
        }
      },
    );
  }

  /** One drain at a time: a second caller shares the one in progress. */
  private drainOnce(mode: DrainMode): Promise<void> {
    if (!this.running) {
      this.running = this.drain(mode).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  /** Sends full batches only (`full`, on size) or everything queued (`all`, on time or flush). */
  private async drain(mode: DrainMode): Promise<void> {
    while (this.queue.length >= (mode === 'full' ? this.maxBatch : 1)) {
      const batch = this.queue.slice(0, this.maxBatch);
      await this.send(batch);
    }
  }

  /** Takes stored or refused scores off the queue (a split batch settles part by part). */
  private settle(part: QueuedScore[]) {
    const done = new Set(part);
    this.queue = this.queue.filter((s) => !done.has(s));
  }

  /** Stores a batch, or moves its refused scores to `rejected`; throws on a transient failure. */
  private async send(batch: QueuedScore[]): Promise<void> {
    try {
      await this.client.addScores(batch);
      this.settle(batch);
    } catch (err) {
      if (!(err instanceof RunledgerError) || err.status < 400 || err.status >= 500) throw err;
      if (batch.length > 1 && PER_SCORE_STATUSES.has(err.status)) {
        // Each half is stored or refused on its own; what was stored before the split is a duplicate.
        const half = Math.ceil(batch.length / 2);
        await this.send(batch.slice(0, half));
        await this.send(batch.slice(half));
        return;
      }
      this.settle(batch);
      this.rejected.push(...batch);
      this.rejectedError ??= err;
      this.onError?.(err);
    }
  }
}
