import { OMITTED_PART } from '@/features/replay/lib/trim';
import type { EarlierParts } from './earlier-parts';
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
  | { kind: 'note'; key: string; seq: number; text: string; error: boolean; first: boolean; last: boolean }
  /** The parts of a `?seq=` page's open message it was not sent, until they are fetched. */
  | { kind: 'earlier'; key: string; seq: number; count: number; steps: number };

/** Rows by item, with how many of its left-out parts were still missing when they were made. */
const cache = new WeakMap<TranscriptItem, { from: number; rows: TranscriptRow[] }>();
/**
 * The rows last made for a message still streaming: its next snapshot (every page of events) reuses
 * the rows of the parts that did not change, instead of a new object per part of a long message.
 */
let streaming: { key: string; rows: TranscriptRow[] } | null = null;

function rowsOf(item: TranscriptItem, earlier: EarlierParts | null): TranscriptRow[] {
  const mine = item.kind === 'assistant' && earlier?.key === item.key ? earlier : null;
  const from = mine ? mine.from : 0;
  const hit = cache.get(item);
  if (hit && hit.from === from) return hit.rows;
  let rows: TranscriptRow[];
  if (item.kind === 'user') rows = [item];
  else {
    rows = [];
    let step = 0;
    const parts = item.message.parts;
    const n = parts.length + item.errors.length;
    const prevRows = !item.done && streaming?.key === item.key ? streaming.rows : null;
    if (mine && from > 0) {
      rows.push({
        kind: 'earlier',
        key: `${item.key}:earlier`,
        seq: item.seq,
        count: from,
        steps: mine.missingSteps,
      });
      step = mine.missingSteps;
    }
    parts.forEach((stored, i) => {
      if (mine && i < mine.total) {
        if (i < from) return;
        if ((stored as unknown) === OMITTED_PART) stored = mine.parts[i - from]!;
      }
      const part = stored;
      if (part.type === 'step-start') step++;
      const first = i === 0;
      const last = i === n - 1;
      const prev = prevRows?.[rows.length];
      const key = `${item.key}:${i}`;
      if (
        prev?.kind === 'part' &&
        prev.key === key &&
        prev.part === part &&
        prev.step === step &&
        prev.first === first &&
        prev.last === last &&
        prev.open
      ) {
        rows.push(prev);
        return;
      }
      rows.push({
        kind: 'part',
        key: `${item.key}:${i}`,
        seq: item.seq,
        part,
        step,
        first,
        last,
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
  cache.set(item, { from, rows });
  if (item.kind === 'assistant' && !item.done) streaming = { key: item.key, rows };
  return rows;
}

/**
 * The transcript's rows; finished messages' rows are computed once (items keep their identity).
 * `earlier`: the left-out parts of a `?seq=` page's message, one row until they are fetched.
 */
export function transcriptRows(
  items: TranscriptItem[],
  earlier: EarlierParts | null = null,
): TranscriptRow[] {
  const out: TranscriptRow[] = [];
  for (const it of items) for (const r of rowsOf(it, earlier)) out.push(r);
  return out;
}
