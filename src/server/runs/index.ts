export * from './results';
export * from './runs';
export * from './serialize';
export * from './facets';
export * from './scope';
export * from './changes';
