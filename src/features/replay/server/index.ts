export * from './checkpoints';
export * from './events';
export * from './schedule';
