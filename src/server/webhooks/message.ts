import 'server-only';
import type { AlertEventType, DestinationFormat } from '@/lib/enums';
import { env } from '@/lib/env';

/** The dashboard's public URL of a path (BETTER_AUTH_URL, else this server on localhost). */
export function dashboardUrl(path: string): string {
  const base = env().BETTER_AUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
  return new URL(path, base).toString();
}

type EventForMessage = {
  type: AlertEventType;
  data: Record<string, unknown>;
  createdAt: Date;
  projectSlug: string;
};

/** Where a reader of the event goes to see it. */
export function eventLink(e: EventForMessage): string {
  const p = `/p/${encodeURIComponent(e.projectSlug)}`;
  if (e.type.startsWith('quota.')) {
    const subject = String(e.data.subject ?? '');
    return dashboardUrl(`${p}/usage${subject ? `?subject=${encodeURIComponent(subject)}` : ''}`);
  }
  if (typeof e.data.link === 'string') return e.data.link;
  return dashboardUrl(`${p}/settings/destinations`);
}

function sentence(e: EventForMessage): string {
  const d = e.data;
  switch (e.type) {
    case 'quota.soft_limit_crossed':
      return `Soft limit crossed: ${d.subject} used ${d.used} ${d.metric} this ${d.window} (limit ${d.limit}).`;
    case 'quota.hard_limit_refused':
      return `Hard limit reached: ${d.subject} was refused ${d.requested} ${d.metric} (used ${d.used} of ${d.limit} this ${d.window}).`;
    case 'monitor.firing':
      return `Monitor "${d.name}" is firing: ${d.value} against a threshold of ${d.threshold}.`;
    case 'monitor.resolved':
      return `Monitor "${d.name}" resolved: ${d.value} against a threshold of ${d.threshold}.`;
    case 'test':
      return 'A test event from runledger: this destination receives alerts.';
  }
}

/** The body POSTed: the Standard Webhooks payload, or a Slack message with a link to the dashboard. */
export function deliveryBody(format: DestinationFormat, e: EventForMessage): string {
  if (format === 'slack') {
    return JSON.stringify({
      text: `[runledger ${e.projectSlug}] ${sentence(e)} <${eventLink(e)}|Open in runledger>`,
    });
  }
  return JSON.stringify({ type: e.type, timestamp: e.createdAt.toISOString(), data: e.data });
}
