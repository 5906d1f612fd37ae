export * from './leases';
export * from './options';
export * from './periodic';
export * from './run';
export * from './start';
