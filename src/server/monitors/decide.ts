import type { Monitor, MonitorStateRow } from '@/db/schema';
import type { MonitorComparator, MonitorState } from '@/lib/enums';

export type Change = {
  subject: string;
  kind: 'firing' | 'resolved';
  value: number | null;
};

const CMP: Record<MonitorComparator, (v: number, t: number) => boolean> = {
  gt: (v, t) => v > t,
  gte: (v, t) => v >= t,
  lt: (v, t) => v < t,
  lte: (v, t) => v <= t,
};

/** Whether a value breaches the monitor's threshold; no data (null) counts as its `noData` state. */
export function breaches(
  m: Pick<Monitor, 'comparator' | 'threshold' | 'noData'>,
  value: number | null,
): boolean {
  return value === null ? m.noData === 'firing' : CMP[m.comparator](value, m.threshold);
}

/**
 * The state changes of one evaluation: per subject ('' when not split), ok → firing when the value
 * breaches (unless the subject fired less than the cooldown ago), firing → ok (resolved) when it no
 * longer does. Subjects measured now and subjects stored as firing (now without data) are considered;
 * a split monitor keeps no state for subjects that never fired.
 */
export function decide(
  m: Pick<Monitor, 'comparator' | 'threshold' | 'noData' | 'cooldownSeconds' | 'perSubject'>,
  stored: Map<string, Pick<MonitorStateRow, 'state' | 'lastFiredAt'>>,
  measured: Map<string, number | null>,
  now: Date,
): Change[] {
  const subjects = new Set<string>(m.perSubject ? measured.keys() : ['']);
  for (const [s, row] of stored) if (row.state === 'firing') subjects.add(s);
  const changes: Change[] = [];
  for (const subject of subjects) {
    const value = measured.get(subject) ?? null;
    const row = stored.get(subject);
    const state: MonitorState = row?.state ?? 'ok';
    const breached = breaches(m, value);
    if (state === 'ok' && breached) {
      const last = row?.lastFiredAt?.getTime();
      if (last !== undefined && now.getTime() - last < m.cooldownSeconds * 1000) continue;
      changes.push({ subject, kind: 'firing', value });
    } else if (state === 'firing' && !breached) {
      changes.push({ subject, kind: 'resolved', value });
    }
  }
  return changes;
}
