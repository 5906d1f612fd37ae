export { currentWindows, type UsageKey } from './counters';
export * from './quotas';
export * from './record';
export * from './reservations';
export * from './serialize';
export * from './series';
