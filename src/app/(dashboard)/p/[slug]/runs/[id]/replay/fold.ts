/** The fold lives in src/lib/replay so the server (transcript checkpoints) and the browser share it. */
export * from '@/lib/replay/fold';
