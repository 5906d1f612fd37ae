export * from './prices';
export * from './recompute';
