import type { UIMessageChunk } from 'ai';
import { type AnyPart, type FoldParts, flatten } from './fold-parts';

type Chunk<T extends UIMessageChunk['type']> = Extract<UIMessageChunk, { type: T }>;

// Content parts: streamed text and reasoning, files, sources, custom and steering parts.

function start(fold: FoldParts, c: Chunk<'text-start' | 'reasoning-start'>) {
  const s = fold.s;
  const text = c.type === 'text-start';
  const part: AnyPart = text
    ? { type: 'text', text: '', providerMetadata: c.providerMetadata, state: 'streaming' }
    : { type: 'reasoning', id: c.id, text: '', providerMetadata: c.providerMetadata, state: 'streaming' };
  s.parts.push(part);
  (text ? s.activeText : s.activeReasoning)[String(c.id)] = s.parts.length - 1;
}

function delta(fold: FoldParts, c: Chunk<'text-delta' | 'reasoning-delta'>) {
  const s = fold.s;
  const map = c.type === 'text-delta' ? s.activeText : s.activeReasoning;
  const i = map[String(c.id)];
  if (i === undefined) return;
  const p = s.parts[i]!;
  fold.set(i, {
    ...p,
    text: (p.text as string) + String(c.delta ?? ''),
    providerMetadata: c.providerMetadata ?? p.providerMetadata,
  });
}

function end(fold: FoldParts, c: Chunk<'text-end' | 'reasoning-end'>) {
  const s = fold.s;
  const map = c.type === 'text-end' ? s.activeText : s.activeReasoning;
  const i = map[String(c.id)];
  if (i === undefined) return;
  const p = s.parts[i]!;
  const next: AnyPart = {
    ...p,
    text: flatten(p.text as string),
    state: 'done',
    providerMetadata: c.providerMetadata ?? p.providerMetadata,
  };
  if (c.type === 'text-end' && c.citations != null) next.citations = c.citations;
  fold.set(i, next);
  delete map[String(c.id)];
}

function file(fold: FoldParts, c: Chunk<'file' | 'reasoning-file'>) {
  fold.s.parts.push({
    type: c.type,
    mediaType: c.mediaType,
    url: c.url,
    ...(c.providerMetadata != null ? { providerMetadata: c.providerMetadata } : {}),
  });
}

export const textHandlers = {
  'text-start': start,
  'reasoning-start': start,
  'text-delta': delta,
  'reasoning-delta': delta,
  'text-end': end,
  'reasoning-end': end,
  file,
  'reasoning-file': file,
  custom: (fold: FoldParts, c: Chunk<'custom'>) => {
    fold.s.parts.push({ type: 'custom', kind: c.kind, providerMetadata: c.providerMetadata });
  },
  'source-url': (fold: FoldParts, c: Chunk<'source-url'>) => {
    fold.s.parts.push({
      type: 'source-url',
      sourceId: c.sourceId,
      url: c.url,
      title: c.title,
      providerMetadata: c.providerMetadata,
    });
  },
  'source-document': (fold: FoldParts, c: Chunk<'source-document'>) => {
    fold.s.parts.push({
      type: 'source-document',
      sourceId: c.sourceId,
      mediaType: c.mediaType,
      title: c.title,
      filename: c.filename,
      providerMetadata: c.providerMetadata,
    });
  },
  'steering-message': (fold: FoldParts, c: Chunk<'steering-message'>) => {
    fold.s.parts.push({ type: 'steering-message', id: c.id, parts: c.parts });
  },
};
