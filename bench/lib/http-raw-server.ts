/**
 * bench/ingest's second baseline, "HTTP + JSON + raw SQL": a bare `node:http` server (no framework)
 * that reads an append's body as one Buffer, JSON.parses it and inserts its events with the raw
 * baseline's postgres.js `INSERT … SELECT FROM unnest(…)`, then answers `{"accepted":n,"duplicates":0}`.
 * No auth, no validation, no audit, no counters: the floor any HTTP JSON API pays over the raw insert,
 * so the bench can tell how much of the app's gap is HTTP and JSON and how much is the framework and
 * the app's own work. `POST /runs/{id}/parse` reads and parses the same way and answers without SQL.
 * Bench-only; it is not part of the product.
 *
 * Run as its own process (so its CPU is metered apart from the bench client's), with Node's type
 * stripping: `node bench/lib/http-raw-server.ts` with DATABASE_URL set; it prints `listening <port>`.
 */
import { createServer } from 'node:http';
import postgres from 'postgres';

type Event = { seq: number; type: string; ts?: string; payload?: unknown };

const sql = postgres(process.env.DATABASE_URL ?? '', { max: 8, onnotice: () => {} });
// POST /runs/{id}/events: parse and insert; POST /runs/{id}/parse: parse and answer, no SQL.
const ROUTE = /^\/runs\/([0-9a-f-]{36})\/(events|parse)$/;

const server = createServer((req, res) => {
  const m = req.method === 'POST' ? ROUTE.exec(req.url ?? '') : null;
  if (!m) {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: Event[] };
      if (m[2] === 'parse') {
        const body = JSON.stringify({ accepted: events.length, duplicates: 0 });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      const result = await sql`
        insert into run_events (project_id, run_id, run_created_at, seq, type, ts, payload)
        select r.project_id, r.id, r.created_at, x.seq, x.type, x.ts, x.payload::jsonb
        from runs r, unnest(${events.map((e) => e.seq)}::int[], ${events.map((e) => e.type)}::text[],
                    ${events.map((e) => e.ts ?? null)}::timestamptz[], ${events.map((e) => JSON.stringify(e.payload ?? {}))}::text[])
          as x(seq, type, ts, payload) where r.id = ${m[1]!}::uuid`;
      const body = JSON.stringify({ accepted: result.count, duplicates: events.length - result.count });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String((err as Error).message));
    }
  });
});

server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : 0}`);
});

// Exits at once (with --cpu-prof, the profile is written on exit); the bench has no request in flight.
process.on('SIGTERM', () => process.exit(0));
