/** How an item moved from dataset run A (the baseline) to B. */
export const itemChanges = ['regressed', 'fixed', 'both_pass', 'both_fail', 'only_a', 'only_b'] as const;
export type ItemChange = (typeof itemChanges)[number];
