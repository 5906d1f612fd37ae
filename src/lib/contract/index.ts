export * from './common';
export * from './events';
export * from './reports';
export * from './results';
export * from './retention';
export * from './runs';
export * from './usage';
export * from './audit';
