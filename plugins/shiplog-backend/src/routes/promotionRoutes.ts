import { NotAllowedError, NotImplementedError } from '@backstage/errors';
import {
  promotionRequestSchema,
  promotionResourceRef,
  promotionsQuerySchema,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';
import express from 'express';
import { PromotionService } from '../promotions/PromotionService';
import { EntityAccess } from './entityAccess';
import { ENTITY_ROUTE } from './paths';
import { parseInput } from './validation';

/** Who asked, as a promotion records it: the user, or the service's subject. */
function requesterOf(principal: {
  type: string;
  userEntityRef?: string;
  subject?: string;
}): string {
  return principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`;
}

/**
 * `POST` and `GET /v1/entities/{kind}/{namespace}/{name}/promotions`. Registered on the plugin's
 * router itself (not a sub-router) so the OpenAPI check sees them; without promotions wired in,
 * they answer 501.
 */
export function registerPromotionRoutes(
  router: express.Router,
  options: { access: EntityAccess; promotions?: PromotionService },
): void {
  const { access } = options;
  const route = `${ENTITY_ROUTE}/promotions`;
  const promotionService = () => {
    if (!options.promotions) {
      throw new NotImplementedError('promotions are not set up');
    }
    return options.promotions;
  };

  router.post(route, async (req, res) => {
    const promotions = promotionService();
    const credentials = await access.authenticate(req, ['user', 'service']);
    const body = parseInput(promotionRequestSchema, req.body);
    // A service token (CI's) may preview, not promote: the permission policy is only consulted for users.
    if (!body.dryRun && credentials.principal.type !== 'user') {
      throw new NotAllowedError(
        'Promotions are made by signed-in users, whose permissions the policy decides; services may only preview (dryRun: true)',
      );
    }
    const { entity, entityRef, allowed } = await access.loadFor(
      req,
      credentials,
      {
        permission: shiplogPromotionCreatePermission,
        resourceRef: ref => promotionResourceRef(ref, body.environment),
        // A preview is answered either way, saying whether the caller may promote.
        deniedMessage: body.dryRun
          ? undefined
          : ref =>
              `You may not promote ${ref} to ${body.environment} (permission shiplog.promotion.create); ask its owners or an administrator`,
      },
    );
    if (body.dryRun) {
      res.json(await promotions.preview(entity, entityRef, body, allowed));
      return;
    }
    const promotion = await promotions.create({
      entity,
      entityRef,
      request: body,
      requestedBy: requesterOf(credentials.principal),
      httpRequest: req,
    });
    res.status(201).json(promotion);
  });

  router.get(route, async (req, res) => {
    const promotions = promotionService();
    const query = parseInput(promotionsQuerySchema, req.query);
    const { entityRef } = await access.load(req);
    res.json(await promotions.list(entityRef, query));
  });
}
