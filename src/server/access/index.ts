export * from './roles';
export * from './runs';
