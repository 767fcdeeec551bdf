import {
  environmentHoldRequestSchema,
  environmentNameSchema,
  promotionResourceRef,
  shiplogEnvironmentHoldPermission,
} from '@shiplog/plugin-shiplog-common';
import { PromotionService } from '../promotions/PromotionService';
import { EntityAccess, EntityRequest } from './entityAccess';
import { ShiplogRouter } from './paths';
import { requesterOf } from './requester';
import { parseInput } from './validation';

/**
 * `POST` and `DELETE /v1/entities/{kind}/{namespace}/{name}/environments/{environment}/hold`: a
 * signed-in user with `shiplog.environment.hold` on `<entityRef>@<environment>` holds an environment
 * (auto-promotion into it stops) or releases it. Both audited.
 */
export function registerHoldRoutes(
  router: ShiplogRouter,
  options: { access: EntityAccess; promotions: () => PromotionService },
): void {
  const { access } = options;
  const route =
    '/v1/entities/:kind/:namespace/:name/environments/:environment/hold';

  const authorize = async (
    req: EntityRequest & { params: { environment: string } },
    verb: string,
  ) => {
    const environment = parseInput(
      environmentNameSchema,
      req.params.environment,
      'environment',
    );
    const credentials = await access.authenticate(req, ['user']);
    const { entityRef } = await access.loadFor(req, credentials, {
      permission: shiplogEnvironmentHoldPermission,
      resourceRef: ref => promotionResourceRef(ref, environment),
      deniedMessage: ref =>
        `You may not ${verb} ${environment} of ${ref} (permission shiplog.environment.hold)`,
    });
    return {
      entityRef,
      environment,
      user: requesterOf(credentials.principal),
    };
  };

  router.post(route, async (req, res) => {
    const promotions = options.promotions();
    const { entityRef, environment, user } = await authorize(req, 'hold');
    const body = parseInput(environmentHoldRequestSchema, req.body);
    res.status(201).json(
      await promotions.hold({
        entityRef,
        environment,
        heldBy: user,
        reason: body.reason,
        httpRequest: req,
      }),
    );
  });

  router.delete(route, async (req, res) => {
    const promotions = options.promotions();
    const { entityRef, environment, user } = await authorize(req, 'release');
    res.json(
      await promotions.releaseHold({
        entityRef,
        environment,
        releasedBy: user,
        httpRequest: req,
      }),
    );
  });
}
