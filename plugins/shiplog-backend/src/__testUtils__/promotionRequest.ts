import { PromotionChangeRequest } from '@shiplog/plugin-shiplog-node';

/** A promotion of checkout 1.2.0 to prod, as the service hands it to an executor. */
export function promotionChangeRequest(
  overrides: Partial<PromotionChangeRequest> = {},
): PromotionChangeRequest {
  return {
    promotionId: 'p1',
    entityRef: 'component:default/checkout',
    environment: 'prod',
    version: '1.2.0',
    repository: 'https://github.com/acme/gitops',
    path: 'charts/checkout/values-prod.yaml',
    keyPath: 'image.tag',
    kind: 'pull-request',
    autoMerge: true,
    title: 'Promote checkout 1.2.0 to prod',
    body: '## Changelog\n- feat: cart (#7)',
    labels: ['shiplog-promotion', 'promote-to-prod'],
    branch: 'shiplog/promote-checkout-prod-p1',
    ...overrides,
  };
}
