import { createPermission } from '@backstage/plugin-permission-common';

/** The catalog's entity resource type: Argo CD syncs are checked against the component they act on. */
const CATALOG_ENTITY = 'catalog-entity';

/**
 * The resource type of promotions: a (catalog entity, environment) pair, so a policy can treat
 * production differently from dev. Its rules (`IS_ENVIRONMENT`, `IS_ENTITY_OWNER`, ...) are
 * registered by the Shiplog backend; policies build conditions with `shiplogPromotionConditions`
 * from `@shiplog/plugin-shiplog-node`.
 *
 * @public
 */
export const SHIPLOG_PROMOTION_RESOURCE_TYPE = 'shiplog-promotion';

/**
 * Promote a release of an entity to an environment (`POST .../promotions`). A resource permission on
 * the pair (entity, environment): see {@link promotionResourceRef}.
 *
 * @public
 */
export const shiplogPromotionCreatePermission = createPermission({
  name: 'shiplog.promotion.create',
  attributes: { action: 'create' },
  resourceType: SHIPLOG_PROMOTION_RESOURCE_TYPE,
});

/**
 * The resource reference of a promotion target: `component:default/checkout@prod`.
 *
 * @public
 */
export function promotionResourceRef(
  entityRef: string,
  environment: string,
): string {
  return `${entityRef.toLocaleLowerCase('en-US')}@${environment}`;
}

/**
 * Splits a {@link promotionResourceRef}; undefined when it is not one.
 *
 * @public
 */
export function parsePromotionResourceRef(
  resourceRef: string,
): { entityRef: string; environment: string } | undefined {
  const at = resourceRef.lastIndexOf('@');
  if (at <= 0 || at === resourceRef.length - 1) return undefined;
  return {
    entityRef: resourceRef.slice(0, at),
    environment: resourceRef.slice(at + 1),
  };
}

/**
 * Start an Argo CD sync of one of an entity's applications (`POST .../argocd/sync`),
 * offered where an environment's sync is manual.
 *
 * @public
 */
export const shiplogArgocdSyncPermission = createPermission({
  name: 'shiplog.argocd.sync',
  attributes: { action: 'update' },
  resourceType: CATALOG_ENTITY,
});

/**
 * Hold an environment, or release its hold (`POST`/`DELETE .../environments/{env}/hold`): while
 * held, auto-promotion into it stops. On the resource `<entityRef>@<environment>`.
 *
 * @public
 */
export const shiplogEnvironmentHoldPermission = createPermission({
  name: 'shiplog.environment.hold',
  attributes: { action: 'update' },
  resourceType: SHIPLOG_PROMOTION_RESOURCE_TYPE,
});

/**
 * Promote into a frozen environment (`overrideFreeze: true`). On the resource `<entityRef>@<environment>`.
 *
 * @public
 */
export const shiplogPromotionOverridePermission = createPermission({
  name: 'shiplog.promotion.override',
  attributes: { action: 'update' },
  resourceType: SHIPLOG_PROMOTION_RESOURCE_TYPE,
});

/**
 * Approve or reject a promotion awaiting approval, or cancel one in flight (besides its requester).
 * On the resource `<entityRef>@<environment>`; a policy typically grants it to the entity's owners.
 *
 * @public
 */
export const shiplogPromotionApprovePermission = createPermission({
  name: 'shiplog.promotion.approve',
  attributes: { action: 'update' },
  resourceType: SHIPLOG_PROMOTION_RESOURCE_TYPE,
});

/**
 * Every permission Shiplog defines, for the permission integration router.
 *
 * @public
 */
export const shiplogPermissions = [
  shiplogPromotionCreatePermission,
  shiplogArgocdSyncPermission,
  shiplogEnvironmentHoldPermission,
  shiplogPromotionOverridePermission,
  shiplogPromotionApprovePermission,
];
