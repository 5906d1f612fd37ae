import { isValidElement, type ReactNode } from 'react';
import { beforeAll, expect, it, vi } from 'vitest';
import { CreateKeyForm, RevokeKeyButton } from '@/app/(dashboard)/p/[slug]/settings/keys/key-forms';
import KeysPage from '@/app/(dashboard)/p/[slug]/settings/keys/page';
import {
  PriceForm,
  RemovePriceButton,
  SeedPricesButton,
} from '@/app/(dashboard)/p/[slug]/settings/prices/price-form';
import PricesPage from '@/app/(dashboard)/p/[slug]/settings/prices/page';
import type { ProjectRole } from '@/db/schema';
import { createApiKey } from '@/server/api-keys';
import { upsertPrice } from '@/server/prices';
import { makeUser, signInCookie } from '../../helpers/accounts';
import { describeEachDb } from '../../helpers/db';
import { makeProject } from '../../helpers/fixtures';
import { setRequest, useTestDatabase } from '../../helpers/next-request';

vi.mock('next/headers', async () => {
  const m = await import('../../helpers/next-request');
  return { headers: async () => m.request.headers, cookies: async () => m.cookieStore() };
});
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

/** The components a server page's element tree places (its own children, not their renders). */
function placed(node: ReactNode, found = new Set<unknown>()): Set<unknown> {
  if (Array.isArray(node)) for (const n of node) placed(n, found);
  else if (isValidElement(node)) {
    found.add(node.type);
    const props = node.props as Record<string, unknown>;
    for (const value of Object.values(props)) placed(value as ReactNode, found);
  }
  return found;
}

describeEachDb('settings pages show only what the role may do', ({ db, driver }) => {
  const cookies = {} as Record<ProjectRole, string>;
  let slug = '';

  beforeAll(async () => {
    useTestDatabase({ db: db(), driver, close: async () => {} });
    const project = await makeProject(db(), 'roles');
    slug = project.slug;
    await createApiKey(db(), project.id, 'existing');
    await upsertPrice(db(), project.id, {
      model: 'm',
      inputPerMillion: 1,
      outputPerMillion: 2,
      effectiveFrom: '2026-01-01',
    });
    for (const role of ['viewer', 'editor', 'owner'] as const) {
      const user = await makeUser(db(), { projectId: project.id, role });
      cookies[role] = await signInCookie(db(), user.email);
    }
  });

  const render = async (role: ProjectRole, page: typeof KeysPage | typeof PricesPage) => {
    setRequest({ cookie: cookies[role], project: slug });
    return placed(await page({ params: Promise.resolve({ slug }) }));
  };

  it('a viewer sees the keys and prices without the forms and buttons the server would refuse', async () => {
    const keys = await render('viewer', KeysPage);
    expect(keys.has(CreateKeyForm)).toBe(false);
    expect(keys.has(RevokeKeyButton)).toBe(false);
    const prices = await render('viewer', PricesPage);
    for (const c of [PriceForm, SeedPricesButton, RemovePriceButton]) expect(prices.has(c)).toBe(false);
  });

  it('an editor and an owner get them', async () => {
    for (const role of ['editor', 'owner'] as const) {
      const keys = await render(role, KeysPage);
      expect(keys.has(CreateKeyForm) && keys.has(RevokeKeyButton)).toBe(true);
      const prices = await render(role, PricesPage);
      for (const c of [PriceForm, SeedPricesButton, RemovePriceButton]) expect(prices.has(c)).toBe(true);
    }
  });
});
