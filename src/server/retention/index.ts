export * from './job';
export * from './purge';
export * from './settings';
