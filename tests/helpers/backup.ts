import { expect } from 'vitest';

export type Snapshot = {
  runs: { id: string; name: string; eventCount: number; totalTokens: number }[];
  events: number;
};

/** Three runs with two events each, written through the API. */
export async function writeRuns(baseUrl: string, key: string): Promise<void> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  for (let i = 0; i < 3; i++) {
    const created = await fetch(`${baseUrl}/api/v1/runs`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `backup run ${i}`, userId: `u_${i}` }),
    });
    expect(created.status).toBe(201);
    const { run } = (await created.json()) as { run: { id: string } };
    const events = [
      { seq: 0, type: 'user-message', payload: { text: `question ${i}` } },
      { seq: 1, type: 'usage', payload: { inputTokens: 10 * (i + 1), outputTokens: 5 } },
    ];
    const appended = await fetch(`${baseUrl}/api/v1/runs/${run.id}/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events }),
    });
    expect(appended.status).toBe(200);
  }
}

/** The project's runs (sorted by id) and how many events they hold, read through the API. */
export async function snapshot(baseUrl: string, key: string): Promise<Snapshot> {
  const headers = { authorization: `Bearer ${key}` };
  const list = (await (await fetch(`${baseUrl}/api/v1/runs?limit=200`, { headers })).json()) as {
    data: Snapshot['runs'];
  };
  let events = 0;
  for (const r of list.data) {
    const page = (await (await fetch(`${baseUrl}/api/v1/runs/${r.id}/events`, { headers })).json()) as {
      data: unknown[];
    };
    events += page.data.length;
  }
  const runs = list.data
    .map(({ id, name, eventCount, totalTokens }) => ({ id, name, eventCount, totalTokens }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { runs, events };
}
