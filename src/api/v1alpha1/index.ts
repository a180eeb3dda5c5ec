export * from './defaults.ts';
export * from './schema.ts';
export * from './rules.ts';
export * from './effective.ts';
export * from './quantity.ts';
export * from './validation.ts';
export * from './crd.ts';
