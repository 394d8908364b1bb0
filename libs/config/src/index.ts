export * from './config.module.js';
export * from './config.schema.js';
export * from './kept-file.js';
export * from './lendbridge-config.js';
