/**
 * Webhook ingresses for Harbor and Argo CD notifications in Backstage's events system.
 *
 * @packageDocumentation
 */
export { eventsModuleShiplog as default } from './module';
export { createSecretValidator, secretsEqual } from './secretValidator';
export { HARBOR_SECRET_HEADER, ARGOCD_SECRET_HEADER } from './module';
