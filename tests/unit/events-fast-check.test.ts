import { describe, expect, it } from 'vitest';
import { isTimestamp, timestamp } from '@/lib/contract/common';
import { appendEventsBody, isPlainEventBatch } from '@/lib/contract/events';
import { searchWordsOf } from '@/server/search/text';

/** The fast check may only say yes where the schema does, and then the schema's output is the input. */
function agrees(body: unknown): boolean {
  const fast = isPlainEventBatch(body);
  const parsed = appendEventsBody.safeParse(body);
  if (fast) {
    expect(parsed.success, JSON.stringify(body).slice(0, 200)).toBe(true);
    expect(parsed.data).toEqual(body);
  }
  return fast;
}

const deltas = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    seq: from + i,
    type: 'text-delta',
    ts: new Date(Date.UTC(2026, 10, 23) + i).toISOString(),
    payload: { type: 'text-delta', id: 't', delta: `word${i} ` },
  }));

/** A JSON round trip: what the route's JSON.parse gives the check. */
const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('isPlainEventBatch', () => {
  it('takes the common batches the schema takes', () => {
    for (const body of [
      { events: deltas(0, 1000) },
      { events: [{ seq: 0, type: 'x' }] },
      { events: [{ seq: 2 ** 31 - 1, type: 'x'.repeat(100), payload: null }] },
      { events: [{ seq: 0, type: 'x', ts: '2026-11-23T06:00:00+05:30', payload: [1, 'a', { b: null }] }] },
      {
        events: [
          { seq: 3, type: 'start', payload: 'text' },
          { seq: 1, type: 'x', payload: 0 },
        ],
      },
    ]) {
      expect(agrees(viaJson(body))).toBe(true);
    }
  });

  it('leaves every other body to the schema', () => {
    const bad: unknown[] = [
      null,
      [],
      'events',
      { events: [] },
      { events: deltas(0, 1001) },
      { events: [...deltas(0, 3), deltas(1, 1)[0]] },
      { events: [{ seq: 2 ** 31, type: 'x' }] },
      { events: [{ seq: -1, type: 'x' }] },
      { events: [{ seq: 1.5, type: 'x' }] },
      { events: [{ seq: '1', type: 'x' }] },
      { events: [{ type: 'x' }] },
      { events: [{ seq: 0, type: '' }] },
      { events: [{ seq: 0, type: 'x'.repeat(101) }] },
      { events: [{ seq: 0, type: 7 }] },
      { events: [{ seq: 0, type: 'x', ts: 'yesterday' }] },
      { events: [{ seq: 0, type: 'x', ts: null }] },
      { events: [{ seq: 0, type: 'x', ts: '2026-02-30T00:00:00.000Z' }] },
      { events: [{ seq: 0, type: 'x', ts: '0000-01-01T00:00:00.000Z' }] },
      { events: [{ seq: 0, type: 'x', extra: 1 }] },
      { events: [{ seq: 0, type: 'x' }], extra: 1 },
      { events: [[0, 'x']] },
      { events: { seq: 0, type: 'x' } },
      { events: [null] },
      // Usage events go through the schema (their payload has one), valid or not.
      { events: [{ seq: 0, type: 'usage', payload: { inputTokens: 1, outputTokens: 2 } }] },
      { events: [{ seq: 0, type: 'usage', payload: { model: 'm' } }] },
    ];
    for (const body of bad) expect(agrees(viaJson(body)), JSON.stringify(body)?.slice(0, 80)).toBe(false);
    // Keys JSON.parse makes own properties, and objects that are not plain.
    expect(agrees(JSON.parse('{"events":[{"seq":0,"type":"x","__proto__":{"a":1}}]}'))).toBe(false);
    expect(agrees(JSON.parse('{"__proto__":{},"events":[{"seq":0,"type":"x"}]}'))).toBe(false);
    expect(agrees({ events: [Object.assign(Object.create({ extra: 1 }), { seq: 0, type: 'x' })] })).toBe(
      false,
    );
    expect(agrees({ events: [{ seq: 0, type: 'x', payload: undefined }] })).toBe(false);
  });

  it('never says yes where the schema says no, over random mutations of a batch', () => {
    let state = 42;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const values: unknown[] = [
      0,
      -1,
      1.5,
      2 ** 31,
      '',
      'x',
      'usage',
      null,
      [],
      {},
      true,
      '2026-13-01T00:00:00Z',
    ];
    const keys = ['seq', 'type', 'ts', 'payload', 'extra'];
    let yes = 0;
    for (let round = 0; round < 2000; round++) {
      const events: Record<string, unknown>[] = viaJson(deltas(0, 1 + rand(5)));
      for (let m = rand(3); m > 0; m--) {
        const e = events[rand(events.length)]!;
        const key = keys[rand(keys.length)]!;
        if (rand(4) === 0) delete e[key];
        else e[key] = values[rand(values.length)];
      }
      if (agrees({ events })) yes++;
    }
    // Both answers happen (the generator is not degenerate).
    expect(yes).toBeGreaterThan(100);
    expect(yes).toBeLessThan(1900);
  });
});

describe('isTimestamp', () => {
  it('says what the timestamp schema says', () => {
    const cases = [
      '2026-11-23T06:00:00.000Z',
      '2026-11-23T06:00:00Z',
      '2026-11-23T06:00:00.123456789Z',
      '2026-11-23T06:00:00+05:30',
      '2026-11-23T06:00:00-23:59',
      '2024-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2027-02-29T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-23T24:00:00Z',
      '2026-11-23T06:60:00Z',
      '2026-11-23T06:00Z',
      '2026-11-23T06:00:00',
      '2026-11-23T06:00:00z',
      '2026-11-23 06:00:00Z',
      '2026-11-23T06:00:00+24:00',
      '2026-11-23T06:00:00+0530',
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      ' 2026-11-23T06:00:00Z',
      '2026-11-23T06:00:00Z\n',
      '',
    ];
    let yes = 0;
    for (const s of cases) {
      expect(isTimestamp(s), s).toBe(timestamp.safeParse(s).success);
      if (isTimestamp(s)) yes++;
    }
    expect(yes).toBeGreaterThan(5);
    expect(yes).toBeLessThan(cases.length - 5);
  });
});

describe('searchWordsOf', () => {
  it('gives the chunks of the deltas joined in seq order, each once, after the other texts', () => {
    let state = 7;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const alphabet = ['a', 'b', 'c', ' ', '  ', '\t', '\n', 'é', '東'];
    for (let round = 0; round < 500; round++) {
      const n = 1 + rand(12);
      const events = Array.from({ length: n }, (_, seq) => {
        const kind = rand(6);
        if (kind === 0) return { seq, type: 'text-start', payload: {} };
        if (kind === 1) return { seq, type: 'user-message', payload: { text: 'hi there a' } };
        let delta = '';
        for (let k = rand(6); k > 0; k--) delta += alphabet[rand(alphabet.length)];
        return { seq, type: 'text-delta', payload: { delta } };
      });
      const shuffled = [...events].sort(() => rand(3) - 1);
      const others = events.filter((e) => e.type === 'user-message').map((e) => e.payload.text!);
      const joined = events
        .filter((e) => e.type !== 'user-message')
        .map((e) => (e.type === 'text-start' ? ' ' : e.payload.delta!))
        .join('');
      const expected = [
        ...new Set([...others, joined].flatMap((t) => t.split(/[ \t\n\r\f\v]+/)).filter(Boolean)),
      ].join(' ');
      expect(searchWordsOf(shuffled)).toBe(expected);
    }
  });
});
