export * from './reports';
export * from './serialize';
