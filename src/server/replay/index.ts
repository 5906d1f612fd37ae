export * from './checkpoints';
export * from './schedule';
