/** Adds milliseconds to a named phase of a request (its Server-Timing header); optional everywhere. */
export type PhaseTimer = { add: (phase: string, ms: number) => void };

export const noPhaseTimer: PhaseTimer = { add: () => {} };
