import type { UIMessageChunk } from 'ai';
import { type FoldParts, mergeObjects } from './fold-parts';

type Chunk<T extends UIMessageChunk['type']> = Extract<UIMessageChunk, { type: T }>;

// The message around its parts: id and metadata, errors, steps, and the data parts.

export type DataChunk = Extract<UIMessageChunk, { type: `data-${string}` }>;

export const isDataChunk = (c: UIMessageChunk): c is DataChunk => c.type.startsWith('data-');

/** A data part: replaces the part of its type and id when there is one; a transient one is not kept. */
export function applyData(fold: FoldParts, c: DataChunk) {
  const s = fold.s;
  if (c.transient) return;
  const existing = c.id != null ? s.parts.findIndex((p) => p.type === c.type && p.id === c.id) : -1;
  if (existing >= 0) fold.set(existing, { ...s.parts[existing]!, data: c.data });
  else s.parts.push({ ...c });
}

function metadata(fold: FoldParts, c: Chunk<'finish' | 'message-metadata'>) {
  if (c.messageMetadata != null) fold.s.metadata = mergeObjects(fold.s.metadata, c.messageMetadata);
}

const ignored = () => {};

export const metadataHandlers = {
  start: (fold: FoldParts, c: Chunk<'start'>) => {
    if (c.messageId != null) fold.s.id = String(c.messageId);
    if (c.messageMetadata != null) fold.s.metadata = mergeObjects(fold.s.metadata, c.messageMetadata);
  },
  finish: metadata,
  'message-metadata': metadata,
  error: (fold: FoldParts, c: Chunk<'error'>) => {
    fold.s.errors.push(String(c.errorText ?? 'error'));
  },
  'start-step': (fold: FoldParts) => {
    fold.s.parts.push({ type: 'step-start' });
  },
  'reset-step': (fold: FoldParts) => {
    const s = fold.s;
    const from = fold.stepStart() + 1;
    s.activeText = {};
    s.activeReasoning = {};
    if (fold.onReplaceCall)
      for (const [id, call] of Object.entries(s.partialCalls)) fold.onReplaceCall(id, call);
    s.partialCalls = {};
    s.parts.length = from;
    s.staleInput = s.staleInput.filter((i) => i < from);
  },
  // Nothing in the message changes at a step's end or an abort.
  'finish-step': ignored,
  abort: ignored,
};
