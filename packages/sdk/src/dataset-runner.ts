import type { CreateRunInput, ResultInput, ScoreInput } from './contract';
import type { Runledger } from './client';
import { serializeError } from './errors';

export type DatasetItem<I = unknown, O = unknown> = {
  id: string;
  input: I;
  expectedOutput?: O;
  version?: number;
};

/** What a scorer gives an item: a number, a pass/fail, a label (of a categorical score config), or nothing. */
export type ScorerAnswer =
  | number
  | boolean
  | { value?: number | boolean; label?: string; comment?: string }
  | null
  | undefined;

/**
 * Scores one item's result: called after its target returned (not for items whose target threw).
 * Returning nothing (`undefined`/`null`) stores no score for the item.
 */
export type Scorer<I = unknown, O = unknown> = (args: {
  input: I;
  output: unknown;
  expectedOutput: O | undefined;
  item: DatasetItem<I, O>;
}) => ScorerAnswer | Promise<ScorerAnswer>;

export type RunDatasetOptions<I, O> = {
  /** The run's name; default `<dataset id> v<version> → <targetId>`. */
  name?: string;
  dataset: { id: string; version?: number; items: DatasetItem<I, O>[] };
  /** Runs one item; what it returns is stored as the result's `output` (must be JSON). */
  target: (input: I, item: DatasetItem<I, O>) => Promise<unknown> | unknown;
  targetType?: string;
  targetId?: string;
  /** Items in flight at once. Default 4. */
  concurrency?: number;
  /** Extra attempts of an item whose target threw. Default 2. */
  retries?: number;
  /** First delay between attempts, doubled each time. Default 200 ms. */
  retryDelayMs?: number;
  /** Results per `POST /results` call. Default 50. */
  resultBatchSize?: number;
  /**
   * Scorers by score name: each scores every item's result, stored as a score of the item's result on
   * the run once every result is stored. A scorer that throws stores no score for that item (counted
   * in `scorerErrors`). A string instead of a function names one of the project's evaluators (code or
   * LLM judge, see GET /evaluators): once every result is stored it is queued on the run, and the
   * server scores each result in the background under the evaluator's name (see `evaluators` in the
   * summary). An unknown evaluator name rejects before the run is created.
   */
  scorers?: Record<string, Scorer<I, O> | string>;
  /** More fields of the run to create (metadata, tags, userId, ...). */
  run?: Partial<CreateRunInput>;
  /** Stops starting new items; the run ends `cancelled` once the items in flight are stored. */
  signal?: AbortSignal;
};

export type DatasetRunSummary = {
  runId: string;
  /**
   * `succeeded`: every item was executed and its result stored, whatever the items' outcomes (see
   * `failed`). `failed`: the runner itself could not finish (results could not be stored); `error`
   * says why. `cancelled`: stopped by `signal`.
   */
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Items whose target returned. */
  succeeded: number;
  /** Items whose target threw on every attempt. */
  failed: number;
  /** Items executed (stored or not); less than the dataset's size when cancelled or failed. */
  executed: number;
  durationMs: number;
  /** Per scorer: how many items it scored, and the mean of their numeric (or pass = 1) values. */
  scores: Record<string, { count: number; mean: number | null }>;
  /** Scorer calls that threw (no score stored for them). */
  scorerErrors: number;
  /**
   * Per scorer given as an evaluator name: the evaluator's id and how many results were queued for it
   * (their scores arrive as the server's evaluator job gets to them).
   */
  evaluators: Record<string, { evaluatorId: string; queued: number }>;
  error?: { name: string; message: string };
};

/**
 * Runs a target over every item of a dataset version as one `kind: 'dataset'` run.
 *
 * Items run with bounded concurrency; a target that throws is retried (`retries`, with backoff) and
 * the result records `retryCount`, the final attempt's `startedAt`/`completedAt`/`latencyMs`, its
 * `output`, or its `error` (`{ name, message }`) when every attempt failed. Results are stored in
 * batches. Item failures do not fail the run: it ends `succeeded` with `failedCount` telling them, so
 * a dashboard shows "48/50 passed" rather than a failed run; it ends `failed` only when the runner
 * could not do its job. Resolves with the summary; rejects only when the run cannot be created.
 */
export async function runDataset<I, O>(
  client: Runledger,
  options: RunDatasetOptions<I, O>,
): Promise<DatasetRunSummary> {
  const { dataset, target } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const retries = Math.max(0, options.retries ?? 2);
  const retryDelayMs = options.retryDelayMs ?? 200;
  const batchSize = Math.min(1000, Math.max(1, options.resultBatchSize ?? 50));
  const started = performance.now();
  const named = Object.entries(options.scorers ?? {}).filter(
    (e): e is [string, string] => typeof e[1] === 'string',
  );
  const evaluatorIds = named.length ? await resolveEvaluators(client, named) : new Map<string, string>();

  const run = await client.createRun({
    kind: 'dataset',
    status: 'running',
    startedAt: new Date().toISOString(),
    ...options.run,
    name: options.name ?? defaultName(options),
    datasetId: dataset.id,
    datasetVersion: dataset.version ?? null,
    targetType: options.targetType ?? null,
    targetId: options.targetId ?? null,
    totalItems: dataset.items.length,
  });

  let succeeded = 0;
  let failed = 0;
  let executed = 0;
  let crash: unknown;
  let pending: ResultInput[] = [];
  let storing: Promise<void> = Promise.resolve();

  // Stores are chained so that batches go one at a time; a failed store stops the runner.
  const store = (results: ResultInput[]) => {
    storing = storing.then(async () => {
      if (crash === undefined) await client.addResults(run.id, results);
    });
    storing = storing.catch((err: unknown) => {
      crash ??= err;
    });
    return storing;
  };

  const scorers = Object.entries(options.scorers ?? {}).filter(
    (e): e is [string, Scorer<I, O>] => typeof e[1] === 'function',
  );
  const evaluators: DatasetRunSummary['evaluators'] = {};
  const scored: { itemId: string; name: string; score: Scored }[] = [];
  let scorerErrors = 0;

  let next = 0;
  const worker = async () => {
    while (crash === undefined && !options.signal?.aborted && next < dataset.items.length) {
      const item = dataset.items[next++]!;
      const result = await runItem(item, target, retries, retryDelayMs);
      executed++;
      if (result.error === undefined) succeeded++;
      else failed++;
      if (result.error === undefined) {
        for (const [name, scorer] of scorers) {
          try {
            const score = scoredOf(
              await scorer({
                input: item.input,
                output: result.output,
                expectedOutput: item.expectedOutput,
                item,
              }),
            );
            if (score) scored.push({ itemId: item.id, name, score });
          } catch {
            scorerErrors++;
          }
        }
      }
      pending.push(result);
      if (pending.length >= batchSize) {
        const batch = pending;
        pending = [];
        await store(batch);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, dataset.items.length) }, worker));
  if (pending.length > 0) await store(pending);
  await storing;
  if (crash === undefined && scored.length > 0) {
    try {
      await storeScores(client, run.id, scored);
    } catch (err) {
      crash = err;
    }
  }
  if (crash === undefined && executed > 0) {
    try {
      for (const [key, evaluatorId] of evaluatorIds) {
        const { queued, alreadyQueued } = await client.runEvaluator(evaluatorId, { datasetRunId: run.id });
        evaluators[key] = { evaluatorId, queued: queued + alreadyQueued };
      }
    } catch (err) {
      crash = err;
    }
  }

  const status: DatasetRunSummary['status'] =
    crash !== undefined ? 'failed' : options.signal?.aborted ? 'cancelled' : 'succeeded';
  const error = crash === undefined ? undefined : serializeError(crash);
  await client.finishRun(run.id, {
    status,
    output: { succeeded, failed, executed },
    ...(error ? { error } : {}),
  });
  return {
    runId: run.id,
    status,
    succeeded,
    failed,
    executed,
    durationMs: Math.round(performance.now() - started),
    scores: summarize(
      scorers.map(([name]) => name),
      scored,
    ),
    scorerErrors,
    evaluators,
    ...(error ? { error } : {}),
  };
}

/** The ids of the evaluators named by scorers (key → id); an unknown name rejects. */
async function resolveEvaluators(client: Runledger, named: [string, string][]): Promise<Map<string, string>> {
  const byName = new Map((await client.listEvaluators()).map((e) => [e.name, e.id]));
  const missing = named.filter(([, name]) => !byName.has(name)).map(([, name]) => name);
  if (missing.length > 0) throw new Error(`No evaluator named ${missing.join(', ')} in this project`);
  return new Map(named.map(([key, name]) => [key, byName.get(name)!]));
}

type Scored = Pick<ScoreInput, 'value' | 'label' | 'comment'>;

function scoredOf(answer: ScorerAnswer): Scored | null {
  if (answer === null || answer === undefined) return null;
  if (typeof answer === 'number' || typeof answer === 'boolean') return { value: answer };
  if (answer.value === undefined && answer.label === undefined) return null;
  return {
    ...(answer.value !== undefined ? { value: answer.value } : {}),
    ...(answer.label !== undefined ? { label: answer.label } : {}),
    ...(answer.comment !== undefined ? { comment: answer.comment.slice(0, 2000) } : {}),
  };
}

/** Stores the scores as scores of their items' results (the result ids read back from the run). */
async function storeScores(
  client: Runledger,
  runId: string,
  scored: { itemId: string; name: string; score: Scored }[],
): Promise<void> {
  const resultOf = new Map<string, string>();
  let cursor: string | undefined;
  do {
    const page = await client.listResults(runId, { limit: 200, cursor });
    for (const r of page.data) resultOf.set(r.itemId, r.id);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  await client.addScores(
    scored.flatMap(({ itemId, name, score }) => {
      const resultId = resultOf.get(itemId);
      return resultId ? [{ runId, resultId, name, ...score }] : [];
    }),
  );
}

function summarize(names: string[], scored: { name: string; score: Scored }[]): DatasetRunSummary['scores'] {
  const out: DatasetRunSummary['scores'] = {};
  for (const name of names) {
    const values = scored
      .filter((s) => s.name === name)
      .map((s) => s.score.value)
      .filter((v) => v !== undefined)
      .map(Number);
    out[name] = {
      count: scored.filter((s) => s.name === name).length,
      mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null,
    };
  }
  return out;
}

async function runItem<I, O>(
  item: DatasetItem<I, O>,
  target: RunDatasetOptions<I, O>['target'],
  retries: number,
  retryDelayMs: number,
): Promise<ResultInput> {
  for (let attempt = 0; ; attempt++) {
    const startedAt = new Date();
    const t0 = performance.now();
    let output: unknown;
    let error: { name: string; message: string } | undefined;
    try {
      output = await target(item.input, item);
    } catch (err) {
      error = serializeError(err);
    }
    const latencyMs = performance.now() - t0;
    if (error && attempt < retries) {
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** attempt));
      continue;
    }
    return {
      itemId: item.id,
      ...(item.version !== undefined ? { itemVersion: item.version } : {}),
      input: item.input as ResultInput['input'],
      ...(error === undefined && output !== undefined ? { output: output as ResultInput['output'] } : {}),
      ...(item.expectedOutput !== undefined
        ? { groundTruth: item.expectedOutput as ResultInput['groundTruth'] }
        : {}),
      latencyMs: Math.round(latencyMs * 1000) / 1000,
      ...(error ? { error } : {}),
      startedAt: startedAt.toISOString(),
      completedAt: new Date(startedAt.getTime() + latencyMs).toISOString(),
      retryCount: attempt,
    };
  }
}

function defaultName({
  dataset,
  targetId,
}: {
  dataset: { id: string; version?: number };
  targetId?: string;
}): string {
  const version = dataset.version !== undefined ? ` v${dataset.version}` : '';
  return `${dataset.id}${version}${targetId ? ` → ${targetId}` : ''}`.slice(0, 200);
}
