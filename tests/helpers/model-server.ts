import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the loopback model answers one request: a structured verdict, the same after a delay, no answer
 * at all (until the server closes), a status with an error body, a body that is not JSON, or a
 * verdict that is not the object asked for.
 */
export type ModelReply =
  | { kind: 'verdict'; score: number; reasoning: string; delayMs?: number }
  | { kind: 'hang' }
  | { kind: 'status'; status: number }
  | { kind: 'malformed' }
  | { kind: 'wrong-object' };

export type ModelRequest = { authorization: string | undefined; body: Record<string, unknown> };

export type ModelServer = {
  /** The base URL of its OpenAI-compatible API (`…/v1`). */
  baseUrl: string;
  /** The replies of the next requests, in order; past the end, each request gets `fallback`. */
  replies: ModelReply[];
  fallback: ModelReply;
  requests: ModelRequest[];
  close: () => Promise<void>;
};

const usage = { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 };

function completion(content: string) {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: 1_764_000_000,
    model: 'judge-1',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A real HTTP server on loopback speaking the OpenAI chat completions protocol, with scripted replies. */
export async function startModelServer(): Promise<ModelServer> {
  const hanging = new Set<ServerResponse>();
  const state: ModelServer = {
    baseUrl: '',
    replies: [],
    fallback: { kind: 'verdict', score: 0.5, reasoning: 'default' },
    requests: [],
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const text = await readBody(req);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404).end();
      return;
    }
    state.requests.push({ authorization: req.headers.authorization, body: JSON.parse(text) });
    const reply = state.replies.shift() ?? state.fallback;
    // No keep-alive: a pooled connection the server closes while idle would fail the next call with
    // ECONNRESET, a failure no test scripted.
    res.setHeader('connection', 'close');
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    switch (reply.kind) {
      case 'verdict': {
        const send = () =>
          json(200, completion(JSON.stringify({ score: reply.score, reasoning: reply.reasoning })));
        if (reply.delayMs) setTimeout(send, reply.delayMs);
        else send();
        return;
      }
      case 'hang':
        hanging.add(res);
        return;
      case 'status':
        return json(reply.status, { error: { message: `scripted ${reply.status}`, type: 'server_error' } });
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": "chatcmpl-1", "choices": [');
        return;
      case 'wrong-object':
        return json(200, completion('{"verdict": "great"}'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.baseUrl = `http://127.0.0.1:${port}/v1`;
  state.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
