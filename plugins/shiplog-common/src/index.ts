/**
 * Types, API schemas, version ordering and annotations shared by Shiplog's frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './argocd';
export * from './permissions';
export * from './promotions';
export * from './pullRequests';
export * from './schema';
export * from './querySchemas';
export * from './types';
export * from './versions';
export * from './versioning';
export * from './orgViews';
export * from './signals';
