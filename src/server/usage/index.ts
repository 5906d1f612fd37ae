export * from './counters';
export * from './quotas';
export * from './record';
export * from './reservations';
export * from './serialize';
export * from './series';
export * from './windows';
