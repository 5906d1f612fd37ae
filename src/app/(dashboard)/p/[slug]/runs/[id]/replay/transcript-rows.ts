import type { Part } from './parts';
import type { TranscriptItem } from './transcript-fold';

/** One line of the windowed transcript: a user message, or one part (or error) of an assistant message. */
export type TranscriptRow =
  | { kind: 'user'; key: string; seq: number; text: string }
  | {
      kind: 'part';
      key: string;
      seq: number;
      part: Part;
      step: number;
      first: boolean;
      last: boolean;
      open: boolean;
    }
  | { kind: 'note'; key: string; seq: number; text: string; error: boolean; first: boolean; last: boolean };

const cache = new WeakMap<TranscriptItem, TranscriptRow[]>();

function rowsOf(item: TranscriptItem): TranscriptRow[] {
  const hit = cache.get(item);
  if (hit) return hit;
  let rows: TranscriptRow[];
  if (item.kind === 'user') rows = [item];
  else {
    rows = [];
    let step = 0;
    const parts = item.message.parts;
    const n = parts.length + item.errors.length;
    parts.forEach((part, i) => {
      if (part.type === 'step-start') step++;
      rows.push({
        kind: 'part',
        key: `${item.key}:${i}`,
        seq: item.seq,
        part,
        step,
        first: i === 0,
        last: i === n - 1,
        open: !item.done,
      });
    });
    item.errors.forEach((text, j) => {
      const i = parts.length + j;
      rows.push({
        kind: 'note',
        key: `${item.key}:e${j}`,
        seq: item.seq,
        text,
        error: true,
        first: i === 0,
        last: i === n - 1,
      });
    });
    if (n === 0) {
      rows.push({
        kind: 'note',
        key: `${item.key}:empty`,
        seq: item.seq,
        text: item.done ? '(no content)' : '…',
        error: false,
        first: true,
        last: true,
      });
    }
  }
  cache.set(item, rows);
  return rows;
}

/** The transcript's rows; finished messages' rows are computed once (items keep their identity). */
export function transcriptRows(items: TranscriptItem[]): TranscriptRow[] {
  const out: TranscriptRow[] = [];
  for (const it of items) for (const r of rowsOf(it)) out.push(r);
  return out;
}
