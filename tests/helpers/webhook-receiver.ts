import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Received = { id: string; headers: http.IncomingHttpHeaders; body: string; status: number };

/**
 * A webhook receiver on loopback. `answer` picks the status per request (200 by default); `stop` and
 * `start` take it down and up again on the same port (a refused connection while down). `verified`
 * checks every received body's signature with the standardwebhooks package.
 */
export async function startReceiver(answer: (r: Omit<Received, 'status'>) => number = () => 200) {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        id: String(req.headers['webhook-id']),
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      if (rec.hold) {
        // Never answered: the sender is left waiting (until its timeout, or its death).
        received.push({ ...r, status: 0 });
        for (const w of waiters.splice(0)) w();
        return;
      }
      const status = rec.answer(r);
      received.push({ ...r, status });
      res.writeHead(status).end();
      for (const w of waiters.splice(0)) w();
    });
  };
  let server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const rec = {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    answer,
    /** While true, requests are recorded and left unanswered. */
    hold: false,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async start() {
      server = http.createServer(handler);
      await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    },
    /** Resolves once `n` requests have arrived in all. */
    async waitFor(n: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > deadline) throw new Error(`waited for ${n} webhooks, got ${received.length}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200).unref();
        });
      }
    },
    /** The parsed payloads whose signature verifies under `secret` (throws on any that does not). */
    verified(secret: string) {
      const wh = new Webhook(secret);
      return received.map((r) => ({
        id: r.id,
        status: r.status,
        payload: wh.verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          timestamp: string;
          data: Record<string, unknown>;
        },
      }));
    },
  };
  return rec;
}
