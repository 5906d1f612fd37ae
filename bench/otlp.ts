/**
 * OTLP benchmark: spans/s through `POST /api/v1/otel/v1/traces` (protobuf, batches of 512 spans as
 * BatchSpanProcessor sends them, 8 concurrent clients) on the built server over Postgres, against
 * the raw insert of the same rows (the runs, the span rows and their derived events, precomputed)
 * with postgres.js over 8 connections, in the same run.
 *
 * The spans come from the real OpenTelemetry SDK: GenAI agent traces of 7 spans (invoke_agent, two
 * steps, two chat calls with usage, two tool calls), so a 512-span batch splits some traces in two.
 *
 *   npx next build && npx tsx --conditions=react-server bench/otlp.ts
 */
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import postgres from 'postgres';
import { connectPostgres } from '@/db/client';
import { decodeProtobuf } from '@/server/otel/decode';
import type { IngestPhases } from '@/server/otel/ingest';
import { ingestSpans } from '@/server/otel/spans';
import { mapSpan } from '@/server/otel/map';
import { createProject } from '@/server/projects';
import { type CpuMeter, cpuLines, databasesOf, metered, noCpu } from './lib/cpu';
import { type BenchServer, freshBenchDatabase, startBenchServer } from './lib/server';
import { median } from './lib/stats';

const TRACES = Number(process.env.BENCH_TRACES ?? 2000);
const BATCH = 512;
const CONCURRENCY = 8;

export function makeSpans(traces: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  const t0 = Date.UTC(2026, 10, 23, 6);
  for (let i = 0; i < traces; i++) {
    const t = t0 + i * 1000;
    const root = tracer.startSpan('invoke_agent bench-model', {
      startTime: t,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'bench-agent',
        'user.id': `user-${i % 10}`,
        'gen_ai.conversation.id': `thread-${i % 50}`,
      },
    });
    const inRoot = trace.setSpan(context.active(), root);
    for (let step = 0; step < 2; step++) {
      const base = t + 10 + step * 400;
      const s = tracer.startSpan(
        `step ${step + 1}`,
        { startTime: base, attributes: { 'gen_ai.operation.name': 'agent_step' } },
        inRoot,
      );
      const inStep = trace.setSpan(context.active(), s);
      const chat = tracer.startSpan(
        'chat bench-model',
        {
          startTime: base + 5,
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'bench-model',
            'gen_ai.input.messages': JSON.stringify([
              {
                role: 'user',
                parts: [{ type: 'text', content: `Question ${i}: what is the weather in city ${step}?` }],
              },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              {
                role: 'assistant',
                parts: [
                  { type: 'text', content: 'Let me check the weather service for that city first.' },
                  {
                    type: 'tool_call',
                    id: `call-${i}-${step}`,
                    name: 'getWeather',
                    arguments: { city: `c${step}` },
                  },
                ],
              },
            ]),
            'gen_ai.usage.input_tokens': 120,
            'gen_ai.usage.output_tokens': 40,
          },
        },
        inStep,
      );
      chat.end(base + 200);
      const tool = tracer.startSpan(
        'execute_tool getWeather',
        {
          startTime: base + 210,
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'getWeather',
            'gen_ai.tool.call.id': `call-${i}-${step}`,
            'gen_ai.tool.call.arguments': JSON.stringify({ city: `c${step}` }),
            'gen_ai.tool.call.result': JSON.stringify({ tempC: 20 + step, sky: 'clear' }),
          },
        },
        inStep,
      );
      tool.end(base + 300);
      s.end(base + 310);
    }
    root.end(t + 900);
  }
  return exporter.getFinishedSpans() as ReadableSpan[];
}

async function pool<T>(jobs: T[], concurrency: number, work: (job: T) => Promise<void>): Promise<number> {
  const queue = [...jobs];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let job = queue.shift(); job !== undefined; job = queue.shift()) await work(job);
    }),
  );
  return performance.now() - t0;
}

export async function apiRound(
  server: BenchServer,
  bodies: Uint8Array[],
  spans: number,
  cpu?: CpuMeter,
): Promise<number> {
  const headers = { authorization: `Bearer ${server.key}`, 'content-type': 'application/x-protobuf' };
  const ms = await metered(cpu, () =>
    pool(bodies, CONCURRENCY, async (body) => {
      const res = await fetch(`${server.baseUrl}/api/v1/otel/v1/traces`, {
        method: 'POST',
        headers,
        body: Buffer.from(body),
      });
      if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }),
  );
  return (spans / ms) * 1000;
}

type RawBatch = {
  runs: string[];
  spans: {
    run_id: string;
    span_id: string;
    parent_span_id: string | null;
    name: string;
    start_ns: string;
    end_ns: string;
    events: unknown;
    usage: unknown;
  }[];
  events: { run_id: string; seq: number; type: string; ts: string; payload: unknown }[];
};

/** The rows the endpoint ends up with, computed up front (seqs per trace in timeline order). */
export function rawBatches(bodies: Uint8Array[]): RawBatch[] {
  const decoded = bodies.map((b) => decodeProtobuf(b).spans);
  const runOf = new Map<string, string>();
  const all: {
    batch: number;
    runId: string;
    span: (typeof decoded)[number][number];
    mapped: ReturnType<typeof mapSpan>;
  }[] = [];
  decoded.forEach((spans, batch) => {
    for (const span of spans) {
      if (!runOf.has(span.traceId)) runOf.set(span.traceId, randomUUID());
      all.push({ batch, runId: runOf.get(span.traceId)!, span, mapped: mapSpan(span) });
    }
  });
  const seqs = new Map<string, number>();
  const out: RawBatch[] = bodies.map(() => ({ runs: [], spans: [], events: [] }));
  for (const { batch, runId, span, mapped } of all) {
    const b = out[batch]!;
    if (!b.runs.includes(runId)) b.runs.push(runId);
    b.spans.push({
      run_id: runId,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId,
      name: span.name,
      start_ns: String(span.startNs),
      end_ns: String(span.endNs),
      events: mapped.events,
      usage: mapped.usage,
    });
    for (const e of mapped.events) {
      const seq = seqs.get(runId) ?? 0;
      seqs.set(runId, seq + 1);
      b.events.push({
        run_id: runId,
        seq,
        type: e.type,
        ts: new Date(Number(BigInt(e.at) / 1_000_000n)).toISOString(),
        payload: e.payload,
      });
    }
  }
  return out;
}

export async function rawRound(
  sql: postgres.Sql,
  batches: RawBatch[],
  spans: number,
  cpu?: CpuMeter,
): Promise<number> {
  const [project] = await sql<{ id: string }[]>`
    insert into projects (slug, name) values (${`raw-${randomUUID()}`}, 'raw') returning id`;
  const ms = await metered(cpu, () =>
    pool(batches, CONCURRENCY, async (b) => {
      await sql.begin(async (tx) => {
        await tx`insert into runs (id, project_id, name, status) select unnest(${b.runs}::uuid[]), ${project!.id}, 'raw', 'running'
               on conflict (id) do nothing`;
        await tx`insert into otel_spans (project_id, run_id, span_id, parent_span_id, name, start_ns, end_ns, events, usage)
               select ${project!.id}::uuid, x.run_id, x.span_id, x.parent_span_id, x.name, x.start_ns, x.end_ns, x.events, x.usage
               from jsonb_to_recordset(${JSON.stringify(b.spans)}::text::jsonb) as x(run_id uuid, span_id text,
                    parent_span_id text, name text, start_ns numeric, end_ns numeric, events jsonb, usage jsonb)`;
        await tx`insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
               select r.project_id, x.run_id, r.created_at, x.seq, x.type, x.ts, x.payload
               from jsonb_to_recordset(${JSON.stringify(b.events)}::text::jsonb) as x(run_id uuid, seq int, type text, ts timestamptz, payload jsonb)
               join runs r on r.id = x.run_id`;
      });
    }),
  );
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from otel_spans s join runs r on r.id = s.run_id where r.project_id = ${project!.id}`;
  if (row!.n !== spans) throw new Error(`raw: stored ${row!.n} spans of ${spans}`);
  return (spans / ms) * 1000;
}

type Ingest = typeof ingestSpans;

/**
 * Where the endpoint's time goes: the same exports through the domain function in this process (decode,
 * then ingestSpans with a profile: its statements run one by one, each timed) over 8 connections to a
 * fresh database, 8 at a time. Phases are summed over the clients (so include lock waits).
 */
export async function phaseRound(bodies: Uint8Array[], spans: number, ingest: Ingest = ingestSpans) {
  const fresh = await freshBenchDatabase('otlpphases');
  const conn = connectPostgres(fresh.url, CONCURRENCY);
  try {
    const project = await createProject(conn.db, { slug: `phases-${randomUUID().slice(0, 8)}` });
    const phases: IngestPhases = {};
    const ms = await pool(bodies, CONCURRENCY, async (body) => {
      const t0 = performance.now();
      const decoded = decodeProtobuf(body).spans;
      phases.decode = (phases.decode ?? 0) + performance.now() - t0;
      await ingest(conn.db, project.id, decoded, { phases });
    });
    return { rate: (spans / ms) * 1000, phases };
  } finally {
    await conn.close();
    await fresh.drop();
  }
}

export function printPhases(label: string, rate: number, phases: IngestPhases) {
  const { total = 0, decode = 0, ...rest } = phases;
  const all = total + decode;
  const named = Object.values(rest).reduce((a, b) => a + b, 0);
  const parts = { decode, ...rest, 'begin/commit': total - named };
  console.log(
    `  ${label}: ${fmt(rate)} in-process, statements one by one; time per phase (sum over clients):`,
  );
  console.log(
    `    ${Object.entries(parts)
      .map(([k, v]) => `${k} ${Math.round(v)} ms (${((v / all) * 100).toFixed(0)}%)`)
      .join(', ')}`,
  );
}

const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')} spans/s`.padStart(16);

export async function main() {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const spans = makeSpans(TRACES);
  // Warm-up exports: other traces (new spans), so the timed round stores only new ones.
  const warm = makeSpans(CONCURRENCY * 10);
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < spans.length; i += BATCH)
    bodies.push(ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + BATCH))!);
  const bytes = bodies.reduce((n, b) => n + b.byteLength, 0);
  console.log(
    `otlp: ${TRACES} traces, ${spans.length} spans in ${bodies.length} protobuf exports of ${BATCH} (~${Math.round(bytes / bodies.length / 1024)} KiB each), ${CONCURRENCY} clients, ${rounds} rounds`,
  );
  const rawDb = await freshBenchDatabase('otlpraw');
  const sql = postgres(rawDb.url, { max: CONCURRENCY, onnotice: () => {} });
  const raws: number[] = [];
  const apis: number[] = [];
  const rawCpu = noCpu();
  const apiCpu = noCpu();
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => sql`select 1`));
    for (let i = 0; i < rounds; i++) {
      // A fresh server per round: every round's traces are new (the endpoint keys runs by trace id).
      const server = await startBenchServer('postgres');
      try {
        const warmBodies = Array.from(
          { length: CONCURRENCY },
          (_, k) => ProtobufTraceSerializer.serializeRequest(warm.slice(k * 70, k * 70 + 70))!,
        );
        await apiRound(server, warmBodies, 0); // compiles the route, opens the pool's connections
        // Fresh run ids per round, like the endpoint's fresh project per server.
        const dbs = databasesOf(rawDb.url, server.databaseUrl);
        raws.push(await rawRound(sql, rawBatches(bodies), spans.length, { databases: dbs, total: rawCpu }));
        apis.push(
          await apiRound(server, bodies, spans.length, {
            databases: dbs,
            serverPid: server.pid,
            total: apiCpu,
          }),
        );
      } finally {
        await server.stop();
      }
      console.log(`  round ${i + 1}: raw ${fmt(raws[i]!)}   API on Postgres ${fmt(apis[i]!)}`);
    }
  } finally {
    await sql.end({ timeout: 5 });
    await rawDb.drop();
  }
  const profile = await phaseRound(bodies, spans.length);
  printPhases('phases', profile.rate, profile.phases);
  const rawMedian = median(raws);
  const apiMedian = median(apis);
  const ratio = apiMedian / rawMedian;
  console.log(`  raw insert of the same rows ${fmt(rawMedian)} (median)`);
  console.log(`  OTLP endpoint on Postgres   ${fmt(apiMedian)} (median)`);
  console.log(`  endpoint / raw              ${(ratio * 100).toFixed(0).padStart(8)}% (target >= 50%)`);
  for (const line of cpuLines('1000 spans', (rounds * spans.length) / 1000, rawCpu, apiCpu, 'OTLP'))
    console.log(line);
  return { raw: rawMedian, api: apiMedian, ratio };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
