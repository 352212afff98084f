export * from './load';
export * from './regions';
export * from './schema';
export * from './naming';
