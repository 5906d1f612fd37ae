import type { CreateRunInput } from './contract';
import type { Shipper } from './shipper';
import { chunkEvent, statusEvent, type TranscriptEvent } from './transcript';

/** What the integration keeps of one call in flight: its run and where its transcript stands. */
export type Call = {
  runId: string;
  seq: number;
  /** Prompt messages already recorded (each step sends the whole conversation so far). */
  seenMessages: number;
  /** Tool calls whose input is recorded. */
  toolInputs: Set<string>;
  stepNumber: number;
};

/** The calls in flight by call id, and the sending of their runs and events (queued by the Shipper). */
export class CallLog {
  private readonly calls = new Map<string, Call>();

  constructor(private readonly shipper: Shipper) {}

  /** Starts call `callId`'s run and its transcript. */
  open(callId: string, runId: string, run: CreateRunInput, ts: string): void {
    this.shipper.createRun(runId, run);
    const call: Call = { runId, seq: 0, seenMessages: 0, toolInputs: new Set(), stepNumber: 0 };
    this.calls.set(callId, call);
    this.push(call, [chunkEvent({ type: 'start' })], ts);
  }

  get(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /** Queues the call's next events, numbered in order. */
  push(call: Call, events: TranscriptEvent[], ts: string): void {
    for (const ev of events) {
      this.shipper.event(call.runId, { seq: call.seq++, type: ev.type, ts, payload: ev.payload as never });
    }
  }

  /** Ends call `callId` (if in flight): its status event, then the run's outcome. */
  end(callId: string, status: 'succeeded' | 'failed' | 'cancelled', ts: string, extra: object): void {
    const call = this.calls.get(callId);
    if (!call) return;
    this.calls.delete(callId);
    this.push(call, [statusEvent(status)], ts);
    this.shipper.finishRun(call.runId, { status, endedAt: ts, ...extra });
  }
}
