import type { OwnerCreated } from './accounts/owner';

/**
 * The framed block the first start prints once the owner account exists: where to sign in, as whom,
 * and the generated password (shown this once: only its hash is stored).
 */
export function signInBanner(owner: OwnerCreated, url: string): string {
  const password = {
    env: ['password  the one in RUNLEDGER_ADMIN_PASSWORD'],
    upgrade: ['password  the admin password this install already had'],
    generated: [
      `password  ${owner.generatedPassword}`,
      '',
      'This password is shown once. Change it under Settings → Account,',
      'or set RUNLEDGER_ADMIN_PASSWORD before the first start to choose it.',
    ],
  }[owner.from];
  const lines = [`runledger is ready. Sign in at ${url}`, '', `email     ${owner.email}`, ...password];
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '─'.repeat(width + 2);
  return ['', `┌${rule}┐`, ...lines.map((l) => `│ ${l.padEnd(width)} │`), `└${rule}┘`, ''].join('\n');
}
