export * from './datasets';
export * from './events';
export * from './prices';
export * from './projects';
export * from './reports';
export * from './retention';
export * from './runs';
export * from './usage';
