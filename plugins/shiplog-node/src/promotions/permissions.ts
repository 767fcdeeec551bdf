import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { SHIPLOG_PROMOTION_RESOURCE_TYPE } from '@shiplog/plugin-shiplog-common';
import { z } from 'zod/v3';

/**
 * What a `shiplog.promotion.create` decision is about: an entity and the environment it would be
 * promoted to. The entity is the catalog's, loaded by the Shiplog backend.
 *
 * @public
 */
export interface ShiplogPromotionResource {
  entityRef: string;
  environment: string;
  entity?: Entity;
}

/**
 * Promotions are never listed through the permission framework, so a rule's "query" is the rule
 * itself as a predicate.
 *
 * @public
 */
export type ShiplogPromotionFilter = (
  resource: ShiplogPromotionResource,
) => boolean;

/**
 * @public
 */
export const shiplogPromotionPermissionResourceRef =
  createPermissionResourceRef<
    ShiplogPromotionResource,
    ShiplogPromotionFilter
  >().with({
    pluginId: 'shiplog',
    resourceType: SHIPLOG_PROMOTION_RESOURCE_TYPE,
  });

const isEnvironment = createPermissionRule({
  name: 'IS_ENVIRONMENT',
  description: 'Allow promotions to one of the given environments',
  resourceRef: shiplogPromotionPermissionResourceRef,
  paramsSchema: z.object({
    environments: z
      .array(z.string())
      .describe('Environment names, e.g. ["prod"]'),
  }),
  apply: (resource, { environments }) =>
    environments.includes(resource.environment),
  toQuery:
    ({ environments }) =>
    resource =>
      environments.includes(resource.environment),
});

const ownedBy = (resource: ShiplogPromotionResource, claims: string[]) =>
  (resource.entity?.relations ?? []).some(
    relation =>
      relation.type === RELATION_OWNED_BY &&
      claims.includes(relation.targetRef),
  );

const isEntityOwner = createPermissionRule({
  name: 'IS_ENTITY_OWNER',
  description:
    'Allow promotions of entities owned by one of the given claims (user and group refs)',
  resourceRef: shiplogPromotionPermissionResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe(`Claims to match at least one of in ${RELATION_OWNED_BY}`),
  }),
  apply: (resource, { claims }) => ownedBy(resource, claims),
  toQuery:
    ({ claims }) =>
    resource =>
      ownedBy(resource, claims),
});

const kindIs = (resource: ShiplogPromotionResource, kinds: string[]) => {
  const kind = resource.entityRef.split(':')[0].toLocaleLowerCase('en-US');
  return kinds.some(k => k.toLocaleLowerCase('en-US') === kind);
};

const isEntityKind = createPermissionRule({
  name: 'IS_ENTITY_KIND',
  description: 'Allow promotions of entities of the given kinds',
  resourceRef: shiplogPromotionPermissionResourceRef,
  paramsSchema: z.object({
    kinds: z.array(z.string()).describe('Kinds, e.g. ["Component"]'),
  }),
  apply: (resource, { kinds }) => kindIs(resource, kinds),
  toQuery:
    ({ kinds }) =>
    resource =>
      kindIs(resource, kinds),
});

/**
 * The permission rules of the `shiplog-promotion` resource type, registered by the Shiplog backend.
 *
 * @public
 */
export const shiplogPromotionPermissionRules = {
  isEnvironment,
  isEntityOwner,
  isEntityKind,
};

const exports_ = createConditionExports({
  resourceRef: shiplogPromotionPermissionResourceRef,
  rules: shiplogPromotionPermissionRules,
});

/**
 * Condition factories for policies: `shiplogPromotionConditions.isEnvironment({ environments: ['prod'] })`.
 *
 * @public
 */
export const shiplogPromotionConditions = exports_.conditions;

/**
 * Wraps conditions into a conditional decision for `shiplog.promotion.create`.
 *
 * @public
 */
export const createShiplogPromotionConditionalDecision =
  exports_.createConditionalDecision;
