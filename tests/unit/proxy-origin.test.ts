import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { FOREIGN_ORIGIN } from '@/lib/request-security';
import { proxy } from '@/proxy';

const action = (origin: string | null) => {
  const headers = new Headers({
    host: 'localhost:3000',
    'next-action': 'abc123',
    cookie: 'rl.session_token=x',
  });
  if (origin) headers.set('origin', origin);
  return new NextRequest('http://localhost:3000/p/demo/settings/keys', {
    method: 'POST',
    headers,
    body: '[]',
  });
};

describe('server actions from another site', () => {
  it("answer the app's 403 with its message, before the framework's check (a 500)", async () => {
    for (const origin of ['https://evil.example', 'null', null]) {
      const res = proxy(action(origin));
      expect(res.status, String(origin)).toBe(403);
      expect(await res.text()).toBe(FOREIGN_ORIGIN);
    }
  });

  it('pass through from this site', () => {
    const res = proxy(action('http://localhost:3000'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-middleware-next')).toBe('1');
  });
});
