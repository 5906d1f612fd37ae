import type { Part } from './parts';

/** Fetches parts [from, to) of the base's open message. */
export type FetchParts = (from: number, to: number) => Promise<Part[]>;

/** Parts fetched per request when scrolling back. */
const BLOCK = 200;

/**
 * The parts of the `?seq=` base's open message the page was not sent (its fold holds stand-ins there):
 * [0, from) still missing, [from, total) fetched, newest first, as the reader scrolls back to them.
 */
export class EarlierParts {
  from: number;
  parts: Part[] = [];
  loading = false;
  error: string | null = null;
  /** Step starts among the parts still missing (the steps after them keep their numbers). */
  missingSteps: number;

  constructor(
    readonly key: string,
    readonly total: number,
    steps: number,
    private readonly fetch: FetchParts | null,
    private readonly changed: () => void,
  ) {
    this.from = total;
    this.missingSteps = steps;
  }

  async loadMore() {
    if (this.loading || this.from === 0 || !this.fetch) return;
    this.loading = true;
    const a = Math.max(0, this.from - BLOCK);
    try {
      const got = await this.fetch(a, this.from);
      if (got.length !== this.from - a) throw new Error('The transcript changed: reload the page');
      this.parts = got.concat(this.parts);
      this.from = a;
      for (const p of got) if (p.type === 'step-start') this.missingSteps--;
      this.error = null;
    } catch (err) {
      this.error = err instanceof Error ? err.message : 'Could not load the earlier parts';
    } finally {
      this.loading = false;
      this.changed();
    }
  }
}
