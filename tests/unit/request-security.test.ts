import { describe, expect, it } from 'vitest';
import { clientAddress, isSameOrigin, safeNextPath } from '@/lib/request-security';

describe('safeNextPath', () => {
  it.each([
    ['/p/demo/settings/keys', '/p/demo/settings/keys'],
    ['/p/demo/runs?status=error#x', '/p/demo/runs?status=error#x'],
    ['/%09/evil.example', '/%09/evil.example'],
  ])('keeps the same-origin path %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    '/\t/evil.example',
    '//evil.example',
    '/\\evil.example',
    '/\n/evil.example',
    '/.//evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '',
    undefined,
  ])('refuses %j (normalises to another host or is not a path): `/`, the last project', (next) => {
    expect(safeNextPath(next)).toBe('/');
  });
});

describe('isSameOrigin', () => {
  const h = (o: Record<string, string>) => new Headers({ host: 'app.example:3000', ...o });

  it('accepts an Origin naming the Host', () => {
    expect(isSameOrigin(h({ origin: 'http://app.example:3000' }), false)).toBe(true);
  });

  it('refuses a missing, null or foreign Origin', () => {
    expect(isSameOrigin(h({}), false)).toBe(false);
    expect(isSameOrigin(h({ origin: 'null' }), false)).toBe(false);
    expect(isSameOrigin(h({ origin: 'https://evil.example' }), false)).toBe(false);
  });

  it('ignores X-Forwarded-Host unless a proxy is trusted', () => {
    const forged = h({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' });
    expect(isSameOrigin(forged, false)).toBe(false);
    const proxied = new Headers({
      host: 'internal:3000',
      origin: 'https://app.example',
      'x-forwarded-host': 'app.example',
      'x-forwarded-proto': 'https',
    });
    expect(isSameOrigin(proxied, true)).toBe(true);
    expect(isSameOrigin(proxied, false)).toBe(false);
  });

  it('takes the first forwarded address', () => {
    expect(clientAddress(new Headers({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1' }))).toBe('1.2.3.4');
  });
});
