export * from './configs';
export * from './insert';
export * from './list';
export * from './serialize';
export * from './validate';
export * from './authors';
export * from './history';
export * from './conditions';
