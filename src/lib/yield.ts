/**
 * Gives the main thread back to the browser (input, rendering) and resumes in a later task:
 * `scheduler.yield()` where the browser has it (the continuation keeps its priority), else a
 * MessageChannel message (no 4 ms timer clamping, unlike nested `setTimeout(0)`).
 */
export function yieldToMain(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}
