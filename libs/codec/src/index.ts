export * from './aes-gcm-codec.js';
export * from './codec-chain.js';
export * from './codec-server.js';
export * from './data-converter.js';
export * from './failure-converter-path.js';
export * from './failure-converter.js';
