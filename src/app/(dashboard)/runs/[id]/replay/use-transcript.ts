'use client';
import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { useEffect, useRef, useState } from 'react';
import { lastAtOrBefore, type TranscriptItem } from './model';

export type BuiltMessage = { message: UIMessage | null; errors: string[] };

/** Rebuilds an assistant message from its chunks with the AI SDK's own reader. */
async function rebuild(chunks: UIMessageChunk[]): Promise<BuiltMessage> {
  const errors: string[] = [];
  for (const c of chunks) {
    if (c.type === 'error') errors.push(String((c as { errorText?: unknown }).errorText ?? 'error'));
  }
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  let message: UIMessage | null = null;
  try {
    for await (const m of readUIMessageStream({
      stream,
      // Stored streams can be cut short or out of spec; keep what could be rebuilt.
      onError: () => {},
    })) {
      message = m;
    }
  } catch {
    // The reader gave up part-way: the last snapshot is the best rebuild there is.
  }
  return { message, errors };
}

export type TranscriptEntry =
  | { kind: 'user'; key: string; seq: number; text: string }
  | { kind: 'assistant'; key: string; seq: number; built: BuiltMessage | null; streaming: boolean };

/**
 * The transcript at a position (a seq; Infinity = the whole run). Messages entirely before the position
 * are rebuilt once and cached; only the message being streamed at the position is rebuilt from its
 * prefix, and only the latest request runs (older ones are dropped), so scrubbing stays responsive.
 */
export function useTranscript(items: TranscriptItem[], cutSeq: number): TranscriptEntry[] {
  const cache = useRef(new Map<string, BuiltMessage>());
  const itemsRef = useRef(items);
  if (itemsRef.current !== items) {
    // Items of a growing event list keep their keys; only drop entries whose chunks changed.
    const next = new Map<string, BuiltMessage>();
    const prevLengths = new Map<string, number>();
    for (const p of itemsRef.current) if (p.kind === 'assistant') prevLengths.set(p.key, p.chunks.length);
    for (const it of items) {
      if (it.kind !== 'assistant') continue;
      const hit = cache.current.get(it.key);
      if (hit && prevLengths.get(it.key) === it.chunks.length) next.set(it.key, hit);
    }
    cache.current = next;
    itemsRef.current = items;
  }
  const [partial, setPartial] = useState<{ key: string; cut: number; built: BuiltMessage } | null>(null);
  const [, setVersion] = useState(0);
  const running = useRef(false);
  const wanted = useRef<{ items: TranscriptItem[]; cutSeq: number }>({ items, cutSeq });
  wanted.current = { items, cutSeq };

  // biome-ignore lint/correctness/useExhaustiveDependencies: items and cutSeq trigger a rebuild; the pump reads them from `wanted`
  useEffect(() => {
    const pump = async () => {
      if (running.current) return;
      running.current = true;
      try {
        for (;;) {
          const { items: its, cutSeq: cut } = wanted.current;
          let did = false;
          for (const it of its) {
            if (it.kind !== 'assistant' || it.firstSeq > cut) continue;
            if (it.lastSeq <= cut) {
              if (!cache.current.has(it.key)) {
                cache.current.set(it.key, await rebuild(it.chunks));
                did = true;
              }
            } else {
              const n = lastAtOrBefore(it.seqs, cut) + 1;
              const built = await rebuild(it.chunks.slice(0, n));
              setPartial({ key: it.key, cut, built });
              did = true;
            }
          }
          if (did) setVersion((v) => v + 1);
          // A newer position arrived while rebuilding: go again for it.
          if (wanted.current.items === its && wanted.current.cutSeq === cut) break;
        }
      } finally {
        running.current = false;
      }
    };
    void pump();
  }, [items, cutSeq]);

  const out: TranscriptEntry[] = [];
  for (const it of items) {
    if (it.kind === 'user') {
      if (it.seq <= cutSeq) out.push(it);
      continue;
    }
    if (it.firstSeq > cutSeq) continue;
    if (it.lastSeq <= cutSeq) {
      out.push({
        kind: 'assistant',
        key: it.key,
        seq: it.firstSeq,
        built: cache.current.get(it.key) ?? null,
        streaming: false,
      });
    } else {
      // Show the latest rebuild of this message; it may lag a frame behind the position.
      const built = partial?.key === it.key && partial.cut <= cutSeq ? partial.built : null;
      out.push({ kind: 'assistant', key: it.key, seq: it.firstSeq, built, streaming: true });
    }
  }
  return out;
}
