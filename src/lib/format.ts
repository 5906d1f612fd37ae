/** Display helpers shared by server and client components. */

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.round(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function runDuration(startedAt: Date | string | null, endedAt: Date | string | null): number | null {
  if (!startedAt) return null;
  const end = endedAt ? new Date(endedAt).getTime() : Date.now();
  return end - new Date(startedAt).getTime();
}

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 10_000) return `${(n / 1000).toFixed(1)}k`;
  return n.toLocaleString('en-US');
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** UTC, second precision: the same text on the server and in the browser (no hydration mismatch). */
export function formatTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatShortTime(value: Date | string | null | undefined): string {
  if (!value) return '—';
  return new Date(value).toISOString().slice(5, 19).replace('T', ' ');
}

export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
