export * from './crud';
export * from './evaluate';
export * from './incidents';
export * from './job';
export * from './preview';
