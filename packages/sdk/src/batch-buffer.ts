import { RunledgerError } from './errors';

type DrainMode = 'full' | 'all';

/** Background retries after a failed send back off up to this delay. */
const MAX_BACKGROUND_DELAY_MS = 30_000;

/** A 4xx: the server refused what was sent, so sending it again cannot succeed. */
export function isRefusal(err: unknown): err is RunledgerError {
  return err instanceof RunledgerError && err.status >= 400 && err.status < 500;
}

export type BatchBufferOptions = {
  maxBatch: number;
  flushIntervalMs: number;
  onError?: (error: unknown) => void;
};

/**
 * The batching both SDK buffers share: a queue sent by size (`maxBatch`, at once) and by time
 * (`flushIntervalMs` after the first queued item), one request at a time. A transient failure keeps the
 * items queued and retries at the next tick, backing off; refused items move to `rejected` and the
 * refusal is thrown by the next `flush()`. The timer does not keep a Node process alive.
 *
 * A subclass queues its items with `enqueue` and sends one batch in `sendBatch`, which takes stored
 * items off the queue with `settle`, refused ones with `refuse`, and throws on a transient failure.
 */
export abstract class BatchBuffer<T> {
  /** Items that the server refused with a 4xx; kept so that the caller can inspect or re-send them. */
  readonly rejected: T[] = [];

  protected closed = false;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly onError?: (error: unknown) => void;
  private queue: T[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  private rejectedError: RunledgerError | undefined;

  constructor(options: BatchBufferOptions) {
    this.maxBatch = options.maxBatch;
    this.flushIntervalMs = options.flushIntervalMs;
    this.onError = options.onError;
  }

  /** Items queued and not yet stored. */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Sends everything queued and resolves once it is stored. Rejects with the error if items could
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

  /** Flushes everything and stops the timer; nothing is accepted afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  /** Stores one batch: `settle` what was stored, `refuse` what was refused, throw if it may succeed later. */
  protected abstract sendBatch(batch: T[]): Promise<void>;

  protected enqueue(items: T[]) {
    this.queue.push(...items);
    if (this.queue.length >= this.maxBatch) this.sendInBackground('full');
    else if (this.queue.length > 0) this.schedule(this.flushIntervalMs);
  }

  /** Takes these items off the queue (a batch may settle part by part). */
  protected settle(part: T[]) {
    const done = new Set(part);
    this.queue = this.queue.filter((item) => !done.has(item));
  }

  protected refuse(part: T[], err: RunledgerError) {
    this.settle(part);
    this.rejected.push(...part);
    this.rejectedError ??= err;
    this.onError?.(err);
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
        // Whatever is left (a partial batch, or items queued meanwhile) waits for the timer.
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
      await this.sendBatch(this.queue.slice(0, this.maxBatch));
    }
  }
}
