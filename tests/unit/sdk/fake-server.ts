import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Runledger, type RunledgerOptions } from '@runledger/sdk';

export type RecordedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
  at: number;
};

export type FakeResponse = { status: number; body?: unknown; headers?: Record<string, string> };

type StoredEvent = { seq: number; type: string; ts: string; payload: unknown };

/**
 * A loopback stand-in for the runledger API: records every request and answers the runs, events and
 * results routes from memory. `intercept` can answer (or delay) a request before the default handler.
 */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly runs = new Map<string, Record<string, unknown>>();
  readonly events = new Map<string, Map<number, StoredEvent>>();
  readonly results = new Map<string, Map<string, Record<string, unknown>>>();
  intercept: (req: RecordedRequest) => FakeResponse | undefined | Promise<FakeResponse | undefined> = () =>
    undefined;
  private server = createServer((req, res) => void this.handle(req, res));
  url = '';

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  client(options: Partial<RunledgerOptions> = {}) {
    return new Runledger({ baseUrl: this.url, apiKey: 'rl_test', retryBaseDelayMs: 5, ...options });
  }

  requestsTo(method: string, pathPattern: RegExp) {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  storedEvents(runId: string): StoredEvent[] {
    return [...(this.events.get(runId)?.values() ?? [])].sort((a, b) => a.seq - b.seq);
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: raw ? JSON.parse(raw) : undefined,
      at: Date.now(),
    };
    this.requests.push(recorded);
    let answer: FakeResponse;
    try {
      answer = (await this.intercept(recorded)) ?? this.route(recorded);
    } catch {
      // The client may have given up on this request already.
      return;
    }
    if (res.destroyed) return;
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  private route(req: RecordedRequest): FakeResponse {
    const body = req.body as Record<string, unknown>;
    const run = req.path.match(/^\/api\/v1\/runs\/([^/]+)$/);
    const events = req.path.match(/^\/api\/v1\/runs\/([^/]+)\/events$/);
    const results = req.path.match(/^\/api\/v1\/runs\/([^/]+)\/results$/);
    if (req.method === 'POST' && req.path === '/api/v1/runs') {
      const id = String(body.id);
      const existing = this.runs.get(id);
      if (existing) return { status: 200, body: { run: existing } };
      const run = { lastSeq: null, userId: null, model: null, ...body, id };
      this.runs.set(id, run);
      return { status: 201, body: { run } };
    }
    if (run) {
      const stored = this.runs.get(run[1]!);
      if (!stored) return notFound();
      if (req.method === 'PATCH') Object.assign(stored, body);
      if (req.method === 'DELETE') {
        this.runs.delete(run[1]!);
        return { status: 204 };
      }
      return { status: 200, body: { run: stored } };
    }
    if (events) {
      const runId = events[1]!;
      if (!this.runs.has(runId)) return notFound();
      const stored = this.events.get(runId) ?? new Map<number, StoredEvent>();
      this.events.set(runId, stored);
      if (req.method === 'GET') {
        const after = Number(req.query.cursor ?? req.query.afterSeq ?? -1);
        const limit = Number(req.query.limit ?? 1000);
        const data = this.storedEvents(runId).filter((e) => e.seq > after);
        const page = data.slice(0, limit);
        const more = data.length > limit;
        return { status: 200, body: { data: page, nextCursor: more ? String(page.at(-1)!.seq) : null } };
      }
      const batch = body.events as StoredEvent[];
      const clashes = batch.filter((e) => {
        const old = stored.get(e.seq);
        return (
          old && (old.type !== e.type || JSON.stringify(old.payload) !== JSON.stringify(e.payload ?? {}))
        );
      });
      if (clashes.length > 0) {
        return error(409, 'conflict', 'clash', { seqs: clashes.map((e) => e.seq) });
      }
      let accepted = 0;
      for (const e of batch) {
        if (stored.has(e.seq)) continue;
        stored.set(e.seq, { ...e, payload: e.payload ?? {}, ts: e.ts ?? new Date().toISOString() });
        accepted++;
      }
      return { status: 200, body: { accepted, duplicates: batch.length - accepted } };
    }
    if (results) {
      const runId = results[1]!;
      const stored = this.results.get(runId) ?? new Map<string, Record<string, unknown>>();
      this.results.set(runId, stored);
      const rows = body.results as Record<string, unknown>[];
      for (const r of rows) stored.set(String(r.itemId), r);
      return { status: 200, body: { stored: rows.length } };
    }
    return notFound();
  }
}

export function error(status: number, code: string, message: string, details?: unknown): FakeResponse {
  return { status, body: { error: { code, message, details } } };
}
const notFound = () => error(404, 'not_found', 'Not found');

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
