/** The Scores page's time ranges, in days (shared by the page and its filters). */
export const trendRanges = { '7d': 7, '30d': 30, '90d': 90 } as const;
