export * from './idx.js';
export * from './pairs.js';
export * from './model.js';
