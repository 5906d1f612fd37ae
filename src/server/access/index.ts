export * from './roles';
export * from './runs';
export * from './landing';
