/**
 * A synthetic agent run as the AI SDK recorder stores it: a user message, then one assistant message
 * that loops through steps of streamed Markdown text (~90 deltas), a streamed tool call and its result,
 * and a usage event, with realistic timestamps (deltas 15–45 ms apart, tools 0.3–2.5 s, an idle gap
 * now and then). Deterministic for a given size. Used by bench/replay and the replay e2e test.
 */
export type AgentRunEvent = { seq: number; type: string; ts: string; payload: Record<string, unknown> };

export const AGENT_RUN_QUESTION = 'Plan a three-day cycling trip along the coast, with weather checks.';
export const AGENT_RUN_FIRST_TEXT = 'Step 1: I will look at the route first.';

const WORDS =
  'the route follows the coast past small harbours and the weather looks dry with a light westerly breeze so'.split(
    ' ',
  );

export function agentRun(size: number, start = Date.UTC(2026, 10, 20, 9)): AgentRunEvent[] {
  const out: AgentRunEvent[] = [];
  let t = start;
  let rnd = 42;
  const random = () => {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    return rnd / 0x7fffffff;
  };
  const push = (type: string, payload: Record<string, unknown> = {}, dt = 20 + random() * 25) => {
    if (out.length >= size) return;
    t += dt;
    out.push({ seq: out.length, type, ts: new Date(t).toISOString(), payload: { type, ...payload } });
  };
  push('user-message', { text: AGENT_RUN_QUESTION }, 0);
  push('start', { messageId: 'msg-1' }, 400);
  for (let s = 0; out.length < size - 1; s++) {
    push('start-step');
    const id = `text-${s}`;
    push('text-start', { id });
    push('text-delta', { id, delta: s === 0 ? AGENT_RUN_FIRST_TEXT : `**Step ${s + 1}.** ` });
    for (let d = 0; d < 88; d++) {
      const word = WORDS[(s * 7 + d) % WORDS.length];
      const delta =
        d % 30 === 29 ? '\n\n' : d === 60 ? '\n\n| day | km |\n|---|---|\n| 1 | 42 |\n\n' : ` ${word}`;
      push('text-delta', { id, delta });
    }
    push('text-end', { id });
    const call = `call-${s}`;
    const tool = s % 2 ? 'getWeather' : 'searchRoutes';
    push('tool-input-start', { toolCallId: call, toolName: tool });
    for (const d of ['{"place": "', `harbour ${s}`, '", "day": ', String(1 + (s % 3)), '}']) {
      push('tool-input-delta', { toolCallId: call, inputTextDelta: d });
    }
    push('tool-input-available', {
      toolCallId: call,
      toolName: tool,
      input: { place: `harbour ${s}`, day: 1 + (s % 3) },
    });
    push(
      'tool-output-available',
      {
        toolCallId: call,
        output: { tempC: 14 + (s % 9), wind: 'W 12 km/h', results: [`route ${s}a`, `route ${s}b`] },
      },
      300 + random() * 2200,
    );
    push('usage', { inputTokens: 900 + s, outputTokens: 120, model: 'bench-model' });
    push('finish-step', {}, s % 25 === 24 ? 4000 : 20);
  }
  push('finish', { finishReason: 'stop' });
  return out.slice(0, size);
}
