/** An event as the replay gets it from the server. */
export type ReplayEvent = { seq: number; type: string; ts: string; payload: unknown };

export { isUiChunk } from '@runledger/sdk/transcript';
/** Events the "next tool call / error" jump stops at. */
export const isMarker = (type: string) =>
  type === 'tool-input-start' ||
  type === 'tool-input-available' ||
  type === 'tool-output-error' ||
  type === 'error';
export const isErrorEvent = (type: string) => type === 'error' || type === 'tool-output-error';

/** Index of the last element <= x in an ascending array, or -1. */
export function lastAtOrBefore(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= x) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
