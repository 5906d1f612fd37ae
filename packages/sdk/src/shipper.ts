import type { EventInput } from './contract';
import type { CreateRunInput } from './contract';
import type { Runledger } from './client';
import type { FinishRunInput } from './types';

export type ShipperOptions = {
  /** Events held in memory (queued or in flight) at most; past it new events are dropped. Default 10 000. */
  maxQueuedEvents?: number;
  /** Events per `POST /events` call. Default 500, at most 1000. */
  maxBatch?: number;
  /** How long an event may wait before it is sent. Default 1000 ms. */
  flushIntervalMs?: number;
  /** Warnings (events dropped); default `console.warn`. */
  onWarning?: (message: string) => void;
};

type Op =
  | { kind: 'create'; runId: string; input: CreateRunInput }
  | { kind: 'event'; runId: string; event: EventInput }
  | { kind: 'finish'; runId: string; input: FinishRunInput };

/**
 * Ships runs and their events for many concurrent runs in the background, never blocking the caller:
 * one ordered queue (a run is created before its events, finished after them), sent by one worker
 * in batches per run, by size and by time. Memory is bounded: past `maxQueuedEvents` new events are
 * dropped, counted in {@link dropped}, with a single warning. Network errors and 5xx are retried by
 * the client (run creation, appends and finishing are idempotent); what still fails is dropped with
 * a warning, so a runledger outage costs the app nothing but the record.
 */
export class Shipper {
  /** Events dropped so far (memory bound reached, or undeliverable). */
  dropped = 0;

  private readonly maxQueued: number;
  private readonly maxBatch: number;
  private readonly flushIntervalMs: number;
  private readonly warn: (message: string) => void;
  private queue: Op[] = [];
  /** Events queued or in flight. */
  private held = 0;
  private warnedFull = false;
  private readonly lost = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly client: Runledger,
    options: ShipperOptions = {},
  ) {
    this.maxQueued = Math.max(1, options.maxQueuedEvents ?? 10_000);
    this.maxBatch = Math.min(1000, Math.max(1, options.maxBatch ?? 500));
    this.flushIntervalMs = Math.max(0, options.flushIntervalMs ?? 1000);
    this.warn = options.onWarning ?? ((m) => console.warn(`[runledger] ${m}`));
  }

  createRun(runId: string, input: CreateRunInput) {
    this.enqueue({ kind: 'create', runId, input });
  }

  /** Queues an event; returns false when it was dropped (memory bound). */
  event(runId: string, event: EventInput): boolean {
    if (this.held >= this.maxQueued) {
      this.dropped++;
      if (!this.warnedFull) {
        this.warnedFull = true;
        this.warn(
          `telemetry buffer full (${this.maxQueued} events): dropping events until it drains; see dropped`,
        );
      }
      return false;
    }
    this.held++;
    this.enqueue({ kind: 'event', runId, event });
    return true;
  }

  finishRun(runId: string, input: FinishRunInput) {
    this.enqueue({ kind: 'finish', runId, input });
  }

  /** Sends everything queued; resolves when it is stored or dropped (never rejects). */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.running || this.queue.length > 0) {
      if (this.running) await this.running;
      else this.kick();
    }
  }

  private enqueue(op: Op) {
    this.queue.push(op);
    if (this.held >= this.maxBatch) this.kick();
    else this.schedule();
  }

  private schedule() {
    if (this.timer || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.kick();
    }, this.flushIntervalMs);
    // Pending telemetry must not keep a process alive: call flush() before exiting.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private clearTimer() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private kick() {
    if (this.running) return;
    this.clearTimer();
    const ops = this.queue;
    this.queue = [];
    this.running = this.ship(ops).finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async ship(ops: Op[]) {
    const pending = new Map<string, EventInput[]>();
    for (const op of ops) {
      if (op.kind === 'event') {
        const list = pending.get(op.runId);
        if (list) list.push(op.event);
        else pending.set(op.runId, [op.event]);
      } else if (op.kind === 'create') {
        await this.attempt(op.runId, 'create the run', () => this.client.createRun(op.input));
      } else {
        await this.sendEvents(op.runId, pending.get(op.runId) ?? []);
        pending.delete(op.runId);
        await this.attempt(op.runId, 'finish the run', () => this.client.finishRun(op.runId, op.input));
      }
    }
    for (const [runId, events] of pending) await this.sendEvents(runId, events);
  }

  private async sendEvents(runId: string, events: EventInput[]) {
    for (let i = 0; i < events.length; i += this.maxBatch) {
      const batch = events.slice(i, i + this.maxBatch);
      const ok = await this.attempt(runId, `store ${batch.length} events`, () =>
        this.client.appendEvents(runId, batch),
      );
      this.held -= batch.length;
      if (!ok) this.dropped += batch.length;
    }
  }

  /** One call (the client retries transient failures); a failure drops it with a warning. */
  private async attempt(runId: string, what: string, call: () => Promise<unknown>): Promise<boolean> {
    if (this.lost.has(runId)) return false;
    try {
      await call();
      return true;
    } catch (err) {
      // A run that could not be created cannot take events either.
      if (what === 'create the run') this.lost.add(runId);
      this.warn(
        `could not ${what} for run ${runId}; dropped: ${err instanceof Error ? err.message : String(err)}`,
      );
      return false;
    }
  }
}
