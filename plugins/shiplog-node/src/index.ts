/**
 * Node library for Shiplog's backend modules: extension points, and the GitOps values-file edit
 * shared by promotions and the scaffolder actions.
 *
 * @packageDocumentation
 */
export * from './gitops';
export * from './promotions';
export * from './argocd';
