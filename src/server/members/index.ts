export * from './invites';
export * from './join';
export * from './members';
