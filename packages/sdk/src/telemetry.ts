import type { Telemetry } from 'ai';
import { Runledger } from './client';
import type { CreateRunInput, ScoreInput } from './contract';
import { serializeError } from './errors';
import { Shipper, type ShipperOptions } from './shipper';
import { CallLog } from './telemetry-calls';
import { runOfStart } from './telemetry-run';
import {
  modelCallEvents,
  stepEndEvents,
  stepStartEvents,
  toolEndEvents,
  toolStartEvents,
} from './telemetry-steps';
import { chunkEvent } from './transcript';
import type { RunledgerOptions } from './types';

export type RunledgerTelemetryOptions = Partial<Pick<RunledgerOptions, 'baseUrl' | 'apiKey'>> &
  ShipperOptions & {
    /** A client to send with (else one is made from baseUrl/apiKey). */
    client?: Runledger;
    /** Fields every run gets (e.g. `{ tags: ['prod'] }`); the call's own values win. */
    run?: Partial<CreateRunInput>;
  };

export type RunledgerTelemetry = Telemetry & {
  /** Sends everything captured so far; await it before a serverless function or a process ends. */
  flush(): Promise<void>;
  /** Events dropped so far (memory bound reached, or runledger unreachable after retries). */
  readonly dropped: number;
  /**
   * Scores a recorded run (or a step, `seq`) as `Runledger.addScores` does (sent at once, resolving
   * with the server's answer), once what was captured so far is sent (so the run exists). The run's id is the one the call chose through the runtime context's
   * `runledgerRunId` (a UUID; include it with `telemetry.includeRuntimeContext`).
   */
  score(
    runId: string,
    scores: Omit<ScoreInput, 'runId'> | Omit<ScoreInput, 'runId'>[],
  ): Promise<{ accepted: number; duplicates: number; ids: string[] }>;
};

/**
 * An AI SDK telemetry integration: `registerTelemetry(runledgerTelemetry({ baseUrl, apiKey }))` once
 * makes every `generateText` / `streamText` / `ToolLoopAgent` call a run, with no change at the call
 * sites. The run's name is `telemetry.functionId`; the runtime context's `userId`, `threadId`
 * (or `sessionId`), `tags` become the run's fields, its other included keys the run's metadata.
 * Each step becomes the prompt, the model's reasoning, text and tool calls, the tools' outputs or
 * errors, and a `usage` event (run totals and the usage ledger), at the times they happened.
 *
 * Nothing waits for runledger: the handlers only queue (see {@link Shipper}), and a failure inside
 * them is swallowed, so the app's calls behave as without it.
 */
export function runledgerTelemetry(options: RunledgerTelemetryOptions): RunledgerTelemetry {
  const client =
    options.client ?? new Runledger({ baseUrl: options.baseUrl ?? '', apiKey: options.apiKey ?? '' });
  const shipper = new Shipper(client, options);
  const calls = new CallLog(shipper);

  const at = (e: { timestamp?: number }) => new Date(e.timestamp ?? Date.now()).toISOString();
  /** Telemetry must never break the app: every handler is guarded. */
  const guard =
    <E>(fn: (e: E) => void) =>
    (e: E) => {
      try {
        fn(e);
      } catch (err) {
        options.onWarning?.(`telemetry handler failed: ${String(err)}`);
      }
    };

  const integration: Telemetry = {
    onStart: guard((e) => {
      const ts = at(e);
      const started = runOfStart(e, options.run ?? {}, ts);
      if (started) calls.open(e.callId, started.runId, started.run, ts);
    }),

    onStepStart: guard((e) => {
      const call = calls.get(e.callId);
      if (call) calls.push(call, stepStartEvents(call, e), at(e));
    }),

    onLanguageModelCallEnd: guard((e) => {
      const call = calls.get(e.callId);
      if (call) calls.push(call, modelCallEvents(call, e), at(e));
    }),

    onToolExecutionStart: guard((e) => {
      const call = calls.get(e.callId);
      if (call) calls.push(call, toolStartEvents(call, e), at(e));
    }),

    onToolExecutionEnd: guard((e) => {
      const call = calls.get(e.callId);
      if (call) calls.push(call, toolEndEvents(e), at(e));
    }),

    onStepEnd: guard((e) => {
      const call = calls.get(e.callId);
      if (call) calls.push(call, stepEndEvents(e), at(e));
    }),

    onEnd: guard((e) => {
      if (!('callId' in e)) return;
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      const finish = e as { finishReason?: string; text?: string };
      calls.push(call, [chunkEvent({ type: 'finish', finishReason: finish.finishReason as never })], ts);
      calls.end(
        e.callId,
        'succeeded',
        ts,
        typeof finish.text === 'string' ? { output: { text: finish.text } } : {},
      );
    }),

    onAbort: guard((e) => {
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      const reason = typeof e.reason === 'string' ? { reason: e.reason } : {};
      calls.push(call, [chunkEvent({ type: 'abort', ...reason })], ts);
      calls.end(e.callId, 'cancelled', ts, {});
    }),

    onError: guard((raw) => {
      const e = raw as { callId?: string; error?: unknown; timestamp?: number };
      if (!e?.callId) return;
      const call = calls.get(e.callId);
      if (!call) return;
      const ts = at(e);
      const error = serializeError(e.error);
      calls.push(call, [chunkEvent({ type: 'error', errorText: error.message })], ts);
      calls.end(e.callId, 'failed', ts, { error });
    }),
  };

  return Object.defineProperties(integration, {
    flush: { value: () => shipper.flush() },
    dropped: { get: () => shipper.dropped },
    score: {
      value: async (runId: string, scores: Omit<ScoreInput, 'runId'> | Omit<ScoreInput, 'runId'>[]) => {
        await shipper.flush();
        return client.addScores((Array.isArray(scores) ? scores : [scores]).map((x) => ({ ...x, runId })));
      },
    },
  }) as RunledgerTelemetry;
}
