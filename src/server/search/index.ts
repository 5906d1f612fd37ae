export * from './search';
export * from './text';
