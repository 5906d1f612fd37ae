export * from './datasets';
export * from './events';
export * from './projects';
export * from './reports';
export * from './runs';
export * from './usage';
export * from './otel';
