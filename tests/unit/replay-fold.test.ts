import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { MessageFold } from '@/features/replay/lib/fold';

/** The message readUIMessageStream ends with on these chunks (the reference the fold must equal). */
async function reference(chunks: UIMessageChunk[]): Promise<UIMessage | null> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });
  let last: UIMessage | null = null;
  for await (const m of readUIMessageStream({ stream, onError: () => {} })) last = m;
  return last;
}

function fold(chunks: UIMessageChunk[]): UIMessage {
  const f = new MessageFold();
  for (const c of chunks) f.apply(c);
  return f.snapshot();
}

const C = (x: Record<string, unknown>) => x as unknown as UIMessageChunk;

/** A tool loop: steps of reasoning, streamed text, a streamed tool call and its output, data parts. */
function agentRun(steps: number): UIMessageChunk[] {
  const out: UIMessageChunk[] = [C({ type: 'start', messageId: 'm1', messageMetadata: { model: 'x' } })];
  for (let s = 0; s < steps; s++) {
    out.push(C({ type: 'start-step' }));
    out.push(C({ type: 'reasoning-start', id: `r${s}` }));
    out.push(C({ type: 'reasoning-delta', id: `r${s}`, delta: 'thinking ' }));
    out.push(C({ type: 'reasoning-end', id: `r${s}` }));
    out.push(C({ type: 'text-start', id: `t${s}` }));
    for (const w of ['Step ', String(s), ': **bold** ', '```js\nconst a = 1;\n```']) {
      out.push(C({ type: 'text-delta', id: `t${s}`, delta: w }));
    }
    out.push(C({ type: 'text-end', id: `t${s}` }));
    out.push(C({ type: 'data-progress', id: 'p', data: { step: s } }));
    out.push(C({ type: 'data-note', data: { n: s } }));
    const id = `call${s}`;
    out.push(C({ type: 'tool-input-start', toolCallId: id, toolName: s % 2 ? 'search' : 'getWeather' }));
    for (const d of ['{"city"', ': "Lis', 'bon", "days": 3', '}']) {
      out.push(C({ type: 'tool-input-delta', toolCallId: id, inputTextDelta: d }));
    }
    out.push(
      C({
        type: 'tool-input-available',
        toolCallId: id,
        toolName: s % 2 ? 'search' : 'getWeather',
        input: { city: 'Lisbon', days: 3 },
      }),
    );
    if (s % 3 === 2) out.push(C({ type: 'tool-output-error', toolCallId: id, errorText: 'boom' }));
    else out.push(C({ type: 'tool-output-available', toolCallId: id, output: { tempC: 20 + s } }));
    out.push(C({ type: 'source-url', sourceId: `s${s}`, url: 'https://example.com' }));
    out.push(C({ type: 'finish-step' }));
  }
  out.push(C({ type: 'start-step' }));
  out.push(C({ type: 'tool-input-start', toolCallId: 'dyn', toolName: 'mcp', dynamic: true }));
  out.push(C({ type: 'tool-input-available', toolCallId: 'dyn', toolName: 'mcp', dynamic: true, input: {} }));
  out.push(C({ type: 'tool-output-available', toolCallId: 'dyn', output: 'ok' }));
  out.push(C({ type: 'message-metadata', messageMetadata: { usage: { in: 1 } } }));
  out.push(C({ type: 'finish', finishReason: 'stop', messageMetadata: { usage: { out: 2 } } }));
  return out;
}

describe('MessageFold equals readUIMessageStream', () => {
  const chunks = agentRun(6);

  it('on a whole tool-loop message', async () => {
    const ref = await reference(chunks);
    expect(ref).not.toBeNull();
    expect(fold(chunks)).toEqual(ref);
  });

  it('on every prefix of it (mid-text, mid-tool-input, mid-step)', async () => {
    for (let n = 1; n <= chunks.length; n++) {
      const prefix = chunks.slice(0, n);
      const ref = await reference(prefix);
      // The reader emits nothing for a bare start or start-step; compare what it last emitted.
      if (!ref) continue;
      const mine = fold(prefix);
      if (prefix.at(-1)?.type === 'start-step') mine.parts.pop();
      expect(mine, `after ${n} chunks (${prefix.at(-1)?.type})`).toEqual(ref);
    }
  });

  it('on a reset step, tool input errors, approvals and denials', async () => {
    const xs = [
      C({ type: 'start' }),
      C({ type: 'start-step' }),
      C({ type: 'text-start', id: 'a' }),
      C({ type: 'text-delta', id: 'a', delta: 'discarded' }),
      C({ type: 'reset-step' }),
      C({ type: 'text-start', id: 'b' }),
      C({ type: 'text-delta', id: 'b', delta: 'kept' }),
      C({ type: 'text-end', id: 'b' }),
      C({ type: 'tool-input-error', toolCallId: 'e', toolName: 'bad', input: 'x', errorText: 'invalid' }),
      C({ type: 'tool-input-start', toolCallId: 'q', toolName: 'danger' }),
      C({ type: 'tool-input-available', toolCallId: 'q', toolName: 'danger', input: { a: 1 } }),
      C({ type: 'tool-approval-request', toolCallId: 'q', approvalId: 'ap1' }),
      C({ type: 'tool-output-denied', toolCallId: 'q' }),
      C({ type: 'data-progress', id: 'p', data: { pct: 10 } }),
      C({ type: 'data-progress', id: 'p', data: { pct: 100 } }),
      C({ type: 'data-live', transient: true, data: 1 }),
      C({ type: 'file', mediaType: 'image/png', url: 'data:,' }),
      C({ type: 'finish' }),
    ];
    expect(fold(xs)).toEqual(await reference(xs));
  });

  it('keeps finished parts by identity when later chunks arrive', () => {
    const f = new MessageFold();
    for (const c of chunks.slice(0, 40)) f.apply(c);
    const before = f.snapshot();
    for (const c of chunks.slice(40)) f.apply(c);
    const after = f.snapshot();
    expect(after.parts[1]).toBe(before.parts[1]);
    expect(after.parts.length).toBeGreaterThan(before.parts.length);
  });

  it('skips chunks for parts that never started instead of dropping the rest', () => {
    const m = fold([
      C({ type: 'start' }),
      C({ type: 'text-delta', id: 'nope', delta: 'lost' }),
      C({ type: 'text-start', id: 't' }),
      C({ type: 'text-delta', id: 't', delta: 'kept' }),
    ]);
    expect(m.parts).toEqual([{ type: 'text', text: 'kept', state: 'streaming' }]);
  });
});
