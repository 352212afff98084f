export * from './defaults';
export * from './load';
export * from './regions';
export * from './schema';
export * from '../../lambda/contract/naming';
