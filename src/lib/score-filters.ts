/**
 * The run history's score filters as people type them and as the URL keeps them (`score=` repeated):
 * `quality >= 0.8` (also >, <=, <, =), `tone = good` (a label), `!quality` (has no score quality).
 * Framework-free: the page, the download and the server share it.
 */
export type ScoreCondition =
  | { name: string; op: 'gte' | 'gt' | 'lte' | 'lt' | 'eq'; value: number }
  | { name: string; op: 'label'; label: string }
  | { name: string; op: 'missing' };

const OPS = { '>=': 'gte', '>': 'gt', '<=': 'lte', '<': 'lt', '=': 'eq' } as const;
const SYMBOL = { gte: '>=', gt: '>', lte: '<=', lt: '<', eq: '=' } as const;

/** At most this many score filters at once. */
export const MAX_SCORE_FILTERS = 5;

const validName = (s: string) =>
  s.length >= 1 && s.length <= 100 && ![...s].some((c) => c.charCodeAt(0) < 32);

/** One filter from its text, or null when it is not one. */
export function parseScoreCondition(text: string): ScoreCondition | null {
  const t = text.trim();
  if (t.startsWith('!')) {
    const name = t.slice(1).trim();
    return validName(name) ? { name, op: 'missing' } : null;
  }
  const m = /^(.+?)\s*(>=|<=|>|<|=)\s*(.+)$/.exec(t);
  if (!m) return null;
  const name = m[1]!.trim();
  const rhs = m[3]!.trim();
  if (!validName(name) || rhs.length > 100) return null;
  const op = OPS[m[2] as keyof typeof OPS];
  const n = Number(rhs);
  if (rhs !== '' && Number.isFinite(n)) return { name, op, value: n };
  if (rhs === 'true' || rhs === 'false')
    return op === 'eq' ? { name, op, value: rhs === 'true' ? 1 : 0 } : null;
  return op === 'eq' ? { name, op: 'label', label: rhs } : null;
}

export function formatScoreCondition(c: ScoreCondition): string {
  if (c.op === 'missing') return `!${c.name}`;
  if (c.op === 'label') return `${c.name} = ${c.label}`;
  return `${c.name} ${SYMBOL[c.op]} ${c.value}`;
}

/** The valid filters among the `score` values of a URL (the first MAX_SCORE_FILTERS). */
export function scoreConditionsFrom(values: string | string[] | undefined | null): ScoreCondition[] {
  const list = values === undefined || values === null ? [] : Array.isArray(values) ? values : [values];
  return list
    .map(parseScoreCondition)
    .filter((c): c is ScoreCondition => c !== null)
    .slice(0, MAX_SCORE_FILTERS);
}

/** A sort by a score: `sort=score.<name>` (highest first) or `sort=-score.<name>` (lowest first). */
export type ScoreSort = { name: string; dir: 'desc' | 'asc' };

export function parseScoreSort(value: string | null | undefined): ScoreSort | null {
  if (!value) return null;
  const asc = value.startsWith('-');
  const rest = asc ? value.slice(1) : value;
  if (!rest.startsWith('score.')) return null;
  const name = rest.slice(6);
  return validName(name) ? { name, dir: asc ? 'asc' : 'desc' } : null;
}
