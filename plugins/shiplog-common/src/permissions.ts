import { createPermission } from '@backstage/plugin-permission-common';

/** The catalog's entity resource type; Shiplog's actions are checked against the component they act on. */
const CATALOG_ENTITY = 'catalog-entity';

/**
 * Promote a release of an entity to an environment (`POST .../promotions`).
 * A resource permission on the entity, so policies can use the catalog's conditions (owner, kind, ...).
 *
 * @public
 */
export const shiplogPromotionCreatePermission = createPermission({
  name: 'shiplog.promotion.create',
  attributes: { action: 'create' },
  resourceType: CATALOG_ENTITY,
});

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
 * Every permission Shiplog defines, for the permission integration router.
 *
 * @public
 */
export const shiplogPermissions = [
  shiplogPromotionCreatePermission,
  shiplogArgocdSyncPermission,
];
