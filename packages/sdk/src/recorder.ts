import type { LanguageModelUsage, UIMessageChunk } from 'ai';
import type { CreateRunInput, RunDto, ScoreInput } from './contract';
import { chunkEvent, statusEvent, type TranscriptEvent, usageEvent, userMessageEvent } from './transcript';
import type { Runledger } from './client';
import { serializeError } from './errors';
import type { EventBuffer, EventBufferOptions } from './event-buffer';
import type { RequestOptions } from './http';

export type RecordRunOptions = {
  /**
   * Record into this existing run (its events continue after its `lastSeq`). Without it a new
   * `chat` run is created with a client-chosen id, known at once as `recording.runId`.
   */
  runId?: string;
  /** Fields of the run to create (`name` defaults to the start of `userText`). */
  run?: Partial<CreateRunInput>;
  /** What the user sent: recorded first as a `user-message` event `{ text }`, and as the run's input. */
  userText?: string;
  /** Batching of the events; see `client.events()`. */
  buffer?: EventBufferOptions;
  /** Recording failures (server down, quota refusal); the user's stream is never affected by them. */
  onError?: (error: unknown) => void;
  /** Called once at the start with the run's dashboard link (`client.runUrl`), e.g. `console.log`. */
  logRunUrl?: (url: string) => void;
};

export type RecordStreamTextOptions = RecordRunOptions & {
  /** The model name for the `usage` event and the run; default `run.model`, else the response's model id. */
  model?: string;
  /**
   * Also `POST /usage { subject: run.userId, metric: 'tokens', amount: input + output tokens }` when the
   * stream ends. It is recorded after the fact: over a hard quota the server refuses it (429, passed to
   * `onError`). To stop a call before it exceeds a quota, hold a reservation before calling the model.
   */
  recordQuotaUsage?: boolean;
};

/** How a recording ended: the run's final status, once its events and status are stored. */
export type RecordingOutcome = {
  runId: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  /** The run as stored at the end. */
  run: RunDto;
};

export type Recording = {
  /** The stream to hand to the user: the same chunks, never held back by the recording. */
  stream: ReadableStream<UIMessageChunk>;
  /** The run's id, known before anything is sent. */
  runId: string;
  /**
   * Settles when everything is stored; rejects with the recording's error. Await it (or hand it to
   * `after()` in a route handler) before the process may exit; ignoring it raises no unhandled rejection.
   */
  done: Promise<RecordingOutcome>;
  /**
   * Scores the recorded run (or a step of it, `seq`), as `Runledger.addScores` does (sent at once,
   * resolving with the server's answer); callable at once: the scores are sent once the run exists. Rejects when the run could not be created.
   */
  score(
    scores: RecordingScore | RecordingScore[],
    opts?: RequestOptions,
  ): Promise<{ accepted: number; duplicates: number; ids: string[] }>;
};

/** A score of the recorded run: its `runId` is the recording's. */
export type RecordingScore = Omit<ScoreInput, 'runId'>;

/** The part of `streamText(...)`'s result that {@link recordStreamText} uses. */
export type StreamTextLike = {
  toUIMessageStream(options?: Record<string, unknown>): ReadableStream<UIMessageChunk>;
  totalUsage: PromiseLike<LanguageModelUsage>;
  response?: PromiseLike<{ modelId?: string }>;
};

/** What `streamText` adds to a bare UI message stream. */
type StreamTextExtras = {
  usage: () => Promise<{ usage: LanguageModelUsage | undefined; modelId?: string }>;
  /** The real error behind an `error` chunk (whose text the AI SDK masks for the user). */
  streamError: () => unknown;
};

/** After the stream ended, usage is known at once; this only guards `done` against a promise that never settles. */
const USAGE_WAIT_MS = 10_000;

/**
 * Records an AI SDK UI message stream as the events of a run and returns the stream for the user.
 *
 * The stream is teed: the user's side flows at the model's pace while the other side pushes each
 * chunk as an event `{ type: chunk.type, payload: chunk }` into an event buffer. The run ends
 * `succeeded` on a `finish` chunk; `failed` (with the error) on an `error` chunk (even when a
 * `finish` follows it), a stream that throws, or one that ends without `finish`; `cancelled` on an
 * `abort` chunk (the user stopped it).
 */
export function recordUIMessageStream(
  client: Runledger,
  options: RecordRunOptions,
  stream: ReadableStream<UIMessageChunk>,
): Recording {
  return startRecording(client, options, stream);
}

/**
 * Records `streamText(...)` like {@link recordUIMessageStream}, plus its token usage: when the stream
 * ends, a `usage` event `{ inputTokens, outputTokens, model }`, the run's token fields, and optionally
 * the usage ledger (`recordQuotaUsage`). The run's `error` gets the real error (`{ name, message }`)
 * while the user still sees the text of `uiMessageStreamOptions.onError` (the AI SDK's masked
 * "An error occurred." by default).
 */
export function recordStreamText(
  client: Runledger,
  options: RecordStreamTextOptions,
  result: StreamTextLike,
  uiMessageStreamOptions?: Record<string, unknown>,
): Recording {
  let streamError: unknown;
  const userOnError = uiMessageStreamOptions?.onError;
  const stream = result.toUIMessageStream({
    ...uiMessageStreamOptions,
    onError: (error: unknown) => {
      streamError ??= error;
      return typeof userOnError === 'function' ? userOnError(error) : 'An error occurred.';
    },
  });
  const extras: StreamTextExtras = {
    usage: async () => {
      const settle = <T>(p: PromiseLike<T> | undefined) =>
        Promise.race([
          Promise.resolve(p).catch(() => undefined),
          new Promise<undefined>((resolve) => {
            const timer = setTimeout(resolve, USAGE_WAIT_MS);
            (timer as { unref?: () => void }).unref?.();
          }),
        ]);
      const [usage, response] = await Promise.all([settle(result.totalUsage), settle(result.response)]);
      return { usage, modelId: response?.modelId };
    },
    streamError: () => streamError,
  };
  return startRecording(client, options, stream, extras);
}

function startRecording(
  client: Runledger,
  options: RecordRunOptions & Partial<Pick<RecordStreamTextOptions, 'model' | 'recordQuotaUsage'>>,
  source: ReadableStream<UIMessageChunk>,
  extras?: StreamTextExtras,
): Recording {
  const runId = options.runId ?? options.run?.id ?? crypto.randomUUID();
  options.logRunUrl?.(client.runUrl(runId));
  const [userSide, recordingSide] = source.tee();
  let runCreated!: (ok: boolean) => void;
  const created = new Promise<boolean>((resolve) => {
    runCreated = resolve;
  });
  const done = record(client, runId, options, recordingSide, extras, runCreated);
  // The caller may ignore `done`; its failures are also reported through onError.
  done.catch((err: unknown) => options.onError?.(err));
  const score: Recording['score'] = async (scores, opts) => {
    if (!(await created)) throw new Error(`The run ${runId} of this recording could not be created`);
    const list = (Array.isArray(scores) ? scores : [scores]).map((s) => ({ ...s, runId }));
    return client.addScores(list, opts);
  };
  return { stream: userSide, runId, done, score };
}

async function record(
  client: Runledger,
  runId: string,
  options: RecordRunOptions & Partial<Pick<RecordStreamTextOptions, 'model' | 'recordQuotaUsage'>>,
  chunks: ReadableStream<UIMessageChunk>,
  extras: StreamTextExtras | undefined,
  runCreated: (ok: boolean) => void,
): Promise<RecordingOutcome> {
  const startedAt = new Date();
  // Chunks are read (and timestamped) from the start; until the run exists they wait here.
  const early: { chunk: UIMessageChunk; ts: Date }[] = [];
  let buffer: EventBuffer | undefined;
  let run: RunDto | undefined;
  let setupError: { error: unknown } | undefined;
  const setup = (async () => {
    run = options.runId
      ? await client.getRun(runId)
      : await client.createRun(newRun(runId, options, startedAt));
    const ready = client.events(runId, {
      ...options.buffer,
      startSeq: options.buffer?.startSeq ?? (run.lastSeq ?? -1) + 1,
      onError: options.buffer?.onError ?? options.onError,
    });
    if (options.userText !== undefined) pushEvent(ready, userMessageEvent(options.userText), startedAt);
    for (const { chunk, ts } of early) pushEvent(ready, chunkEvent(chunk), ts);
    early.length = 0;
    buffer = ready;
  })().then(
    () => runCreated(true),
    (error: unknown) => {
      setupError = { error };
      runCreated(false);
    },
  );

  let finished = false;
  let aborted = false;
  let error: { name: string; message: string } | undefined;
  let text = '';
  const reader = chunks.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (setupError) {
        // Nothing can be recorded: let go of this side so the tee stops buffering for it.
        await reader.cancel().catch(() => {});
        break;
      }
      if (buffer) pushEvent(buffer, chunkEvent(value));
      else early.push({ chunk: value, ts: new Date() });
      if (value.type === 'text-delta') text += value.delta;
      else if (value.type === 'finish') finished = true;
      else if (value.type === 'abort') aborted = true;
      else if (value.type === 'error' && !error) {
        const real = extras?.streamError();
        error = real === undefined ? { name: 'StreamError', message: value.errorText } : serializeError(real);
      }
    }
  } catch (err) {
    error ??= serializeError(err);
  } finally {
    reader.releaseLock();
  }
  await setup;
  if (setupError) throw setupError.error;
  if (!run || !buffer) throw new Error('unreachable: the recording was set up');
  if (!error && !aborted && !finished) {
    error = { name: 'IncompleteStream', message: 'The stream ended without a finish chunk' };
  }
  const status: RecordingOutcome['status'] = error ? 'failed' : aborted ? 'cancelled' : 'succeeded';

  const tokens = extras ? await extras.usage() : undefined;
  const inputTokens = tokens?.usage?.inputTokens;
  const outputTokens = tokens?.usage?.outputTokens;
  const model = options.model ?? options.run?.model ?? tokens?.modelId ?? run.model ?? undefined;
  const hasUsage = inputTokens !== undefined || outputTokens !== undefined;
  if (hasUsage) {
    pushEvent(buffer, usageEvent({ inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0, model }));
  }
  pushEvent(buffer, statusEvent(status));
  // The run is ended even when some events could not be stored; that failure is thrown afterwards.
  const closing = await buffer.close().then(
    () => undefined,
    (err: unknown) => ({ err }),
  );

  const stored = await client.finishRun(runId, {
    status,
    ...(error ? { error } : {}),
    ...(text ? { output: { text } } : {}),
    ...(hasUsage ? { inputTokens: inputTokens ?? 0, outputTokens: outputTokens ?? 0 } : {}),
    ...(hasUsage && model && !run.model ? { model } : {}),
  });

  if (closing) throw closing.err;

  const amount = (inputTokens ?? 0) + (outputTokens ?? 0);
  if (options.recordQuotaUsage && amount > 0) {
    if (!stored.userId) throw new Error('recordQuotaUsage needs the run to have a userId (the subject)');
    await client.recordUsage({
      subject: stored.userId,
      metric: 'tokens',
      amount,
      runId,
      model,
      // One key per run: a retried recording never counts the tokens twice.
      idempotencyKey: `run:${runId}:tokens`,
    });
  }
  return { runId, status, run: stored };
}

const pushEvent = (buffer: EventBuffer, e: TranscriptEvent, ts?: Date) => buffer.push(e.type, e.payload, ts);

function newRun(runId: string, options: RecordRunOptions, startedAt: Date): CreateRunInput {
  const { run = {}, userText } = options;
  return {
    kind: 'chat',
    status: 'running',
    startedAt: startedAt.toISOString(),
    ...(userText !== undefined ? { input: { text: userText } } : {}),
    ...run,
    id: runId,
    name: run.name ?? titleOf(userText),
  };
}

function titleOf(text: string | undefined): string {
  const line = text?.trim().split('\n')[0]?.trim();
  if (!line) return 'Chat';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
