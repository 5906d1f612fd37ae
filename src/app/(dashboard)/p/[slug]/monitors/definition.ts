import type { MonitorDto } from '@/lib/contract';

/** The form's fields, as text (what the inputs hold). */
export type Draft = {
  name: string;
  metric: MonitorDto['metric'];
  scoreName: string;
  quotaId: string;
  windowSeconds: string;
  comparator: MonitorDto['comparator'];
  threshold: string;
  perSubject: boolean;
  cooldownMinutes: string;
  noData: MonitorDto['noData'];
  kind: string;
  model: string;
  userId: string;
  tag: string;
  q: string;
  /** `key=value` pairs, comma separated. */
  meta: string;
};

export const emptyDraft: Draft = {
  name: '',
  metric: 'error_rate',
  scoreName: '',
  quotaId: '',
  windowSeconds: '900',
  comparator: 'gt',
  threshold: '10',
  perSubject: false,
  cooldownMinutes: '0',
  noData: 'ok',
  kind: '',
  model: '',
  userId: '',
  tag: '',
  q: '',
  meta: '',
};

export function draftOf(m: MonitorDto): Draft {
  return {
    name: m.name,
    metric: m.metric,
    scoreName: m.scoreName ?? '',
    quotaId: m.quotaId ?? '',
    windowSeconds: String(m.windowSeconds),
    comparator: m.comparator,
    threshold: String(m.threshold),
    perSubject: m.perSubject,
    cooldownMinutes: String(m.cooldownSeconds / 60),
    noData: m.noData,
    kind: m.filters.kind ?? '',
    model: m.filters.model ?? '',
    userId: m.filters.userId ?? '',
    tag: m.filters.tag ?? '',
    q: m.filters.q ?? '',
    meta: Object.entries(m.filters.meta ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', '),
  };
}

/** A number, or the text itself so the server answers what is wrong with it. */
const num = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);
const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());

/** The definition the contract takes (the server validates it; nothing is checked here). */
export function definitionOf(d: Draft) {
  const meta = Object.fromEntries(
    d.meta
      .split(',')
      .map((pair) => pair.split('=').map((s) => s.trim()))
      .filter((kv) => kv.length === 2 && kv[0])
      .map(([k, v]) => [k, v ?? '']),
  );
  return {
    name: d.name,
    metric: d.metric,
    scoreName: d.metric.startsWith('score_') ? opt(d.scoreName) : undefined,
    quotaId: d.metric === 'quota_use' ? opt(d.quotaId) : undefined,
    windowSeconds: num(d.windowSeconds),
    comparator: d.comparator,
    threshold: num(d.threshold),
    perSubject: d.perSubject,
    cooldownSeconds:
      typeof num(d.cooldownMinutes) === 'number'
        ? Math.round(Number(d.cooldownMinutes) * 60)
        : d.cooldownMinutes,
    noData: d.noData,
    filters: {
      kind: opt(d.kind),
      model: opt(d.model),
      userId: opt(d.userId),
      tag: opt(d.tag),
      q: opt(d.q),
      meta: Object.keys(meta).length > 0 ? meta : undefined,
    },
  };
}
