export * from './http-metrics.middleware.js';
export * from './logging.js';
export * from './metrics.controller.js';
export * from './metrics.service.js';
export * from './observability.module.js';
export * from './request-context.js';
