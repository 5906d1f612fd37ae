export * from './queues';
export * from './serialize';
export * from './assignees';
