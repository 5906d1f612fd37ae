export * from './queues';
export * from './serialize';
