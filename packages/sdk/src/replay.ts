import type { UIMessage, UIMessageChunk } from 'ai';
import type { EventDto } from './contract';
import { isUiChunk } from './transcript';

/**
 * Rebuilds the chat messages of a run from its stored events (in seq order): a `user-message` event
 * becomes a user message, and the UI message chunks between them are replayed through the AI SDK's
 * `readUIMessageStream` into assistant messages (a new one at each `start` chunk), exactly as
 * `useChat` would have built them.
 */
export async function eventsToUIMessages(
  events: Iterable<Pick<EventDto, 'seq' | 'type' | 'payload'>>,
): Promise<UIMessage[]> {
  // Loaded here so that the rest of the SDK does not need `ai` at runtime.
  const { readUIMessageStream } = await import('ai');
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const messages: UIMessage[] = [];
  let chunks: UIMessageChunk[] = [];

  const flushAssistant = async () => {
    if (chunks.length === 0) return;
    let last: UIMessage | undefined;
    for await (const message of readUIMessageStream({ stream: streamOf(chunks) })) last = message;
    if (last) messages.push(structuredClone(last));
    chunks = [];
  };

  for (const event of sorted) {
    if (event.type === 'user-message') {
      await flushAssistant();
      const text = (event.payload as { text?: unknown } | null)?.text;
      messages.push({
        id: `user-${event.seq}`,
        role: 'user',
        parts: [{ type: 'text', text: typeof text === 'string' ? text : '' }],
      });
    } else if (isUiChunk(event.type)) {
      if (event.type === 'start') await flushAssistant();
      chunks.push(event.payload as UIMessageChunk);
    }
  }
  await flushAssistant();
  return messages;
}

function streamOf<T>(items: T[]): ReadableStream<T> {
  return new ReadableStream({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });
}
