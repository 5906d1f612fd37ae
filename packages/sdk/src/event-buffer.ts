import type { EventInput } from './contract';
import type { Runledger } from './client';
import { RunledgerError } from './errors';

export type EventBufferOptions = {
  /** Events per `POST /events` call; a full batch is sent at once. Default 500, at most 1000. */
  maxBatch?: number;
  /** How long a pushed event may wait before it is sent. Default 250 ms. */
  flushIntervalMs?: number;
  /** The seq of the first pushed event (e.g. the run's `lastSeq + 1`). Default 0. */
  startSeq?: number;
  /** Called for every failed background send (the events stay queued, or go to `rejected` on a 4xx). */
  onError?: (error: unknown) => void;
};

type DrainMode = 'full' | 'all';

/** Background retries after a failed send back off up to this delay. */
const MAX_BACKGROUND_DELAY_MS = 30_000;

/**
 * Collects the events of one run and sends them in batches, by size (`maxBatch`) and by time
 * (`flushIntervalMs`), one request at a time and in seq order.
 *
 * - Seqs are numbered here, from `startSeq`, in push order.
 * - Network errors and 5xx are retried (the client's backoff, then again at the next tick): appends
 *   are idempotent, so a retry never duplicates an event. Failed events stay queued; nothing is dropped.
 * - A 4xx refusal cannot succeed by retrying: the refused events move to {@link rejected} and the
 *   error is thrown by the next `flush()`/`close()`. On a 409 only the clashing seqs are refused; the
 *   rest of the batch is sent again.
 * - The timer does not keep a Node process alive; call `close()` before exiting, or events still
 *   queued are lost with the process.
 */
export class EventBuffer {
  readonly runId: string;
  /** Events that the server refused with a 4xx; kept so that the caller can inspect or re-send them. */
  readonly rejected: EventInput[] = [];

  private readonly client: Runledger;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly onError?: (error: unknown) => void;
  private queue: EventInput[] = [];
  private seq: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private rejectedError: RunledgerError | undefined;
  private closed = false;

  constructor(client: Runledger, runId: string, options: EventBufferOptions = {}) {
    this.client = client;
    this.runId = runId;
    this.maxBatch = Math.min(1000, Math.max(1, options.maxBatch ?? 500));
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 250);
    this.seq = options.startSeq ?? 0;
    this.onError = options.onError;
  }

  /** The seq that the next pushed event gets. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Events pushed and not yet stored. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Queues an event and returns its seq. `ts` defaults to now, so the replay keeps the real timing
   * even when the event is sent later. `payload` must be JSON; it is serialized when sent, so do not
   * mutate it after pushing.
   */
  push(type: string, payload: unknown = {}, ts: Date | string = new Date()): number {
    if (this.closed) throw new Error('EventBuffer: push() after close()');
    if (type.length < 1 || type.length > 100) {
      throw new TypeError(`EventBuffer: event type must be 1..100 characters, got ${type.length}`);
    }
    const seq = this.seq++;
    this.queue.push({
      seq,
      type,
      ts: typeof ts === 'string' ? ts : ts.toISOString(),
      payload: payload as EventInput['payload'],
    });
    if (this.queue.length >= this.maxBatch) this.sendInBackground('full');
    else this.schedule(this.flushIntervalMs);
    return seq;
  }

  /**
   * Sends everything queued and resolves once it is stored. Rejects with the error if events could
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
        // Whatever is left (a partial batch, or events pushed meanwhile) waits for the timer.
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
      try {
        await this.client.appendEvents(this.runId, batch);
        this.queue.splice(0, batch.length);
      } catch (err) {
        if (!(err instanceof RunledgerError) || err.status < 400 || err.status >= 500) throw err;
        this.refuse(batch, err);
      }
    }
  }

  private refuse(batch: EventInput[], err: RunledgerError) {
    const clashing = err.status === 409 ? clashingSeqs(err.details) : new Set<number>();
    let refused = batch.filter((e) => clashing.has(e.seq));
    if (refused.length === 0) refused = batch;
    const refusedSeqs = new Set(refused.map((e) => e.seq));
    this.queue = this.queue.filter((e) => !refusedSeqs.has(e.seq));
    this.rejected.push(...refused);
    this.rejectedError ??= err;
    this.onError?.(err);
  }
}

/** The seqs of a 409 answer: `details: { seqs: number[] }`. */
function clashingSeqs(details: unknown): Set<number> {
  const seqs = (details as { seqs?: unknown } | null | undefined)?.seqs;
  return new Set(Array.isArray(seqs) ? seqs.filter((s): s is number => typeof s === 'number') : []);
}
