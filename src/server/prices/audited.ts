import 'server-only';
import type { Db } from '@/db/client';
import { type AuditScope, audited } from '../audit/audit';
import { deletePrice, type PriceInput, seedCommonPrices, upsertPrice } from './prices';

// Price writes from the dashboard, each with its audit entry in its transaction.

/** Adds or replaces a model price (per model and effective date). */
export function savePriceAudited(db: Db, s: AuditScope, input: PriceInput) {
  return audited(db, s, 'price.saved', async (tx) => {
    const price = await upsertPrice(tx, s.projectId, input);
    return { value: price, target: price.model, after: input };
  });
}

export function removePriceAudited(db: Db, s: AuditScope, priceId: string) {
  return audited(db, s, 'price.removed', async (tx) => {
    const price = await deletePrice(tx, s.projectId, priceId);
    return { value: price, target: price.model, before: { effectiveFrom: price.effectiveFrom } };
  });
}

/** Adds the common models' list prices the project does not have yet. */
export function seedPricesAudited(db: Db, s: AuditScope) {
  return audited(db, s, 'prices.seeded', async (tx) => {
    const added = await seedCommonPrices(tx, s.projectId);
    return { value: added, after: { added } };
  });
}
