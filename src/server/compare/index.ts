export * from './changes';
export * from './compare';
export * from './steps';
