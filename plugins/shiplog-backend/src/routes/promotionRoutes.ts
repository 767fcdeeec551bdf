import { NotAllowedError, NotImplementedError } from '@backstage/errors';
import {
  promotionDecisionSchema,
  promotionRequestSchema,
  promotionResourceRef,
  promotionsQuerySchema,
  shiplogPromotionApprovePermission,
  shiplogPromotionCreatePermission,
  shiplogPromotionOverridePermission,
} from '@shiplog/plugin-shiplog-common';
import { z } from 'zod/v3';
import { PromotionService } from '../promotions/PromotionService';
import { EntityAccess, EntityRequest } from './entityAccess';
import { registerHoldRoutes } from './holdRoutes';
import { ShiplogRouter } from './paths';
import { requesterOf } from './requester';
import { parseInput } from './validation';

const promotionIdSchema = z.string().uuid('must be a promotion id');
const PROMOTION_ROUTE = '/v1/entities/:kind/:namespace/:name/promotions/:id';

/**
 * `POST` and `GET /v1/entities/{kind}/{namespace}/{name}/promotions`. Registered on the plugin's
 * router itself (not a sub-router) so the OpenAPI check sees them; without promotions wired in,
 * they answer 501.
 */
export function registerPromotionRoutes(
  router: ShiplogRouter,
  options: { access: EntityAccess; promotions?: PromotionService },
): void {
  const { access } = options;
  const route = '/v1/entities/:kind/:namespace/:name/promotions';
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
    // Asked only when the request overrides a freeze; the freeze guard refuses without it.
    const overrideAllowed =
      body.overrideFreeze &&
      (await access.isAllowed(credentials, {
        permission: shiplogPromotionOverridePermission,
        resourceRef: promotionResourceRef(entityRef, body.environment),
      }));
    if (body.dryRun) {
      res.json(
        await promotions.preview(
          entity,
          entityRef,
          body,
          allowed,
          overrideAllowed,
        ),
      );
      return;
    }
    const promotion = await promotions.create({
      entity,
      entityRef,
      request: body,
      requestedBy: requesterOf(credentials.principal),
      overrideAllowed,
      httpRequest: req,
    });
    res.status(201).json(promotion);
  });

  registerDecisionRoutes(router, { access, promotions: promotionService });
  registerHoldRoutes(router, { access, promotions: promotionService });

  router.get(route, async (req, res) => {
    const promotions = promotionService();
    const query = parseInput(promotionsQuerySchema, req.query);
    const { entityRef } = await access.load(req);
    res.json(await promotions.list(entityRef, query));
  });
}

/**
 * `POST .../promotions/{id}/approve | reject | cancel`, by signed-in users. Approve and reject need
 * `shiplog.promotion.approve` on `<entityRef>@<environment>` and another user than the requester;
 * cancel needs to be the requester or to hold that permission. The permission is asked before any
 * change.
 */
function registerDecisionRoutes(
  router: ShiplogRouter,
  options: { access: EntityAccess; promotions: () => PromotionService },
): void {
  const { access } = options;

  /** Who decides, on which promotion, and whether they may approve it: asked before any change. */
  const prepare = async (
    req: EntityRequest & { params: { id: string }; body?: unknown },
  ) => {
    const promotions = options.promotions();
    const credentials = await access.authenticate(req, ['user']);
    const promotionId = parseInput(promotionIdSchema, req.params.id, 'id');
    const body = parseInput(promotionDecisionSchema, req.body ?? {});
    const { entity, entityRef } = await access.loadFor(req, credentials);
    const promotion = await promotions.get(entityRef, promotionId);
    const mayApprove = await access.isAllowed(credentials, {
      permission: shiplogPromotionApprovePermission,
      resourceRef: promotionResourceRef(entityRef, promotion.environment),
    });
    const input = {
      entity,
      entityRef,
      promotionId,
      user: requesterOf(credentials.principal),
      mayApprove,
      decision: body,
      httpRequest: req,
    };
    return { promotions, input };
  };

  router.post(`${PROMOTION_ROUTE}/approve`, async (req, res) => {
    const { promotions, input } = await prepare(req);
    res.json(await promotions.approve(input));
  });
  router.post(`${PROMOTION_ROUTE}/reject`, async (req, res) => {
    const { promotions, input } = await prepare(req);
    res.json(await promotions.reject(input));
  });
  router.post(`${PROMOTION_ROUTE}/cancel`, async (req, res) => {
    const { promotions, input } = await prepare(req);
    res.json(await promotions.cancel(input));
  });
}
