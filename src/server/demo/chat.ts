import type { Rng } from './random';
import { type DemoRun, EventLog, costUsd, endedRunUsage } from './stream';
import { chunkText, type Exchange, estimateTokens } from './text';

export type ChatRunSpec = {
  id: string;
  projectId: string;
  name?: string;
  userId: string;
  threadId: string | null;
  model: string;
  tags: string[];
  exchange: Exchange;
  startAt: Date;
  /** `failed` stops with an error chunk; `running` stops mid-answer (no finish yet). */
  outcome: 'succeeded' | 'failed' | 'running';
  errorText?: string;
  /** Tokens of earlier turns sent again as context. */
  contextTokens?: number;
  /** Forces the usage figures (for the runs that put a subject near its quota). */
  tokens?: { input: number; output: number };
};

/**
 * One chat turn recorded as the AI SDK v7 UI message stream: `user-message`, then the chunks
 * (`start`, `start-step`, reasoning, tool input/output, text deltas, `finish-step`, `finish`), then
 * runledger's `usage`. The chunk is the payload, so `readUIMessageStream` rebuilds the message.
 */
export function buildChatRun(rng: Rng, spec: ChatRunSpec): DemoRun {
  const log = new EventLog(rng, spec.startAt);
  const { exchange: ex } = spec;
  const short = spec.id.slice(0, 8);
  log.push('user-message', { text: ex.question }, [0, 0]);
  log.chunk({ type: 'start', messageId: `msg_${short}` }, [150, 600]);
  log.chunk({ type: 'start-step' }, [5, 20]);

  if (ex.reasoning) {
    const id = `reasoning_${short}`;
    log.chunk({ type: 'reasoning-start', id }, [200, 900]);
    for (const delta of chunkText(rng, ex.reasoning)) log.chunk({ type: 'reasoning-delta', id, delta });
    log.chunk({ type: 'reasoning-end', id });
  }

  const failAt = spec.outcome === 'failed' ? rng.int(3, 12) : -1;
  let toolTokens = 0;
  if (ex.tool) {
    const tool = ex.tool;
    const toolCallId = `call_${short}`;
    const inputJson = JSON.stringify(tool.input);
    log.chunk({ type: 'tool-input-start', toolCallId, toolName: tool.name }, [300, 1200]);
    for (let i = 0; i < inputJson.length; ) {
      const n = rng.int(6, 18);
      log.chunk(
        { type: 'tool-input-delta', toolCallId, inputTextDelta: inputJson.slice(i, i + n) },
        [15, 50],
      );
      i += n;
    }
    log.chunk({ type: 'tool-input-available', toolCallId, toolName: tool.name, input: tool.input }, [10, 40]);
    // The tool runs: often an idle gap of a few seconds, which the replay shows.
    const wait: [number, number] = rng.chance(0.5) ? [2200, 6500] : [300, 1500];
    if (tool.error !== undefined) {
      log.chunk({ type: 'tool-output-error', toolCallId, errorText: tool.error }, wait);
    } else {
      log.chunk({ type: 'tool-output-available', toolCallId, output: tool.output ?? null }, wait);
      toolTokens = estimateTokens(JSON.stringify(tool.output ?? null));
    }
    log.chunk({ type: 'finish-step' }, [5, 20]);
    log.chunk({ type: 'start-step' }, [5, 20]);
  }

  const textId = `text_${short}`;
  log.chunk({ type: 'text-start', id: textId }, [200, 700]);
  const deltas = chunkText(rng, ex.answer);
  const stopAt = spec.outcome === 'running' ? Math.max(3, Math.floor(deltas.length / 2)) : deltas.length;
  let sent = '';
  for (let i = 0; i < stopAt; i++) {
    if (i === failAt) break;
    // Now and then the model stalls mid-answer.
    const gap: [number, number] = rng.chance(0.01) ? [2100, 3500] : [20, 80];
    log.chunk({ type: 'text-delta', id: textId, delta: deltas[i]! }, gap);
    sent += deltas[i];
  }

  const inputTokens =
    spec.tokens?.input ?? 220 + estimateTokens(ex.question) + toolTokens + (spec.contextTokens ?? 0);
  const outputTokens =
    spec.tokens?.output ?? estimateTokens(sent) + (ex.reasoning ? estimateTokens(ex.reasoning) : 0);
  const cost = costUsd(spec.model, inputTokens, outputTokens);
  const base = {
    id: spec.id,
    projectId: spec.projectId,
    kind: 'chat' as const,
    name: spec.name ?? ex.question.slice(0, 120),
    threadId: spec.threadId,
    userId: spec.userId,
    model: spec.model,
    tags: spec.tags,
    input: { text: ex.question },
    metadata: { source: 'demo', ...(ex.tool ? { tools: [ex.tool.name] } : {}) },
    startedAt: spec.startAt,
    createdAt: spec.startAt,
  };

  if (spec.outcome === 'running') {
    return {
      row: { ...base, status: 'running', updatedAt: log.now },
      events: log.events,
    };
  }
  if (spec.outcome === 'failed') {
    const errorText = spec.errorText ?? 'Upstream model error: 529 overloaded';
    log.chunk({ type: 'error', errorText }, [400, 2500]);
    return {
      row: {
        ...base,
        status: 'failed',
        error: { message: errorText },
        output: sent ? { text: sent } : null,
        endedAt: log.now,
        updatedAt: log.now,
      },
      events: log.events,
    };
  }
  log.chunk({ type: 'text-end', id: textId });
  log.chunk({ type: 'finish-step' }, [5, 20]);
  log.chunk({ type: 'finish', finishReason: 'stop' }, [5, 20]);
  log.push('usage', { inputTokens, outputTokens, model: spec.model, costUsd: cost }, [1, 5]);
  const { totals, usage } = endedRunUsage({
    subject: spec.userId,
    model: spec.model,
    inputTokens,
    outputTokens,
    costUsd: cost,
    at: log.now,
  });
  return {
    row: { ...base, status: 'succeeded', output: { text: ex.answer }, ...totals },
    events: log.events,
    usage,
  };
}
