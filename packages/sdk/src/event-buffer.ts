import type { EventInput } from './contract';
import type { Runledger } from './client';
import { BatchBuffer, isRefusal } from './batch-buffer';

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
export class EventBuffer extends BatchBuffer<EventInput> {
  readonly runId: string;

  private readonly client: Runledger;
  private seq: number;

  constructor(client: Runledger, runId: string, options: EventBufferOptions = {}) {
    super({
      maxBatch: Math.min(1000, Math.max(1, options.maxBatch ?? 500)),
      flushIntervalMs: Math.max(0, options.flushIntervalMs ?? 250),
      onError: options.onError,
    });
    this.client = client;
    this.runId = runId;
    this.seq = options.startSeq ?? 0;
  }

  /** The seq that the next pushed event gets. */
  get nextSeq(): number {
    return this.seq;
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
    this.enqueue([
      {
        seq,
        type,
        ts: typeof ts === 'string' ? ts : ts.toISOString(),
        payload: payload as EventInput['payload'],
      },
    ]);
    return seq;
  }

  /** On a 409 only the clashing seqs are refused; the rest of the batch is sent again. */
  protected async sendBatch(batch: EventInput[]): Promise<void> {
    try {
      await this.client.appendEvents(this.runId, batch);
      this.settle(batch);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      const clashing = err.status === 409 ? clashingSeqs(err.details) : new Set<number>();
      const refused = batch.filter((e) => clashing.has(e.seq));
      this.refuse(refused.length > 0 ? refused : batch, err);
    }
  }
}

/** The seqs of a 409 answer: `details: { seqs: number[] }`. */
function clashingSeqs(details: unknown): Set<number> {
  const seqs = (details as { seqs?: unknown } | null | undefined)?.seqs;
  return new Set(Array.isArray(seqs) ? seqs.filter((s): s is number => typeof s === 'number') : []);
}
