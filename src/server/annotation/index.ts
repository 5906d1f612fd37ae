export * from './queues';
export * from './serialize';
export * from './assignees';
export * from './review';
