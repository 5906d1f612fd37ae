export * from './prices';
export * from './recompute';
export * from './costs';
export * from './price-sql';
