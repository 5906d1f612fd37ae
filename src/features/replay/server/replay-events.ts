import type { RunEvent } from '@/db/schema';
import type { ReplayEvent } from '../lib/model';

/** Stored events as the replay takes them (the page's first page and the action's later ones). */
export function toReplayEvents(rows: RunEvent[]): ReplayEvent[] {
  return rows.map((e) => ({ seq: e.seq, type: e.type, ts: e.ts.toISOString(), payload: e.payload }));
}
