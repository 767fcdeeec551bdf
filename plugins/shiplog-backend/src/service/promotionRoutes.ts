import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotImplementedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  promotionRequestSchema,
  promotionResourceRef,
  promotionsQuerySchema,
  shiplogPromotionCreatePermission,
} from '@shiplog/plugin-shiplog-common';
import express from 'express';
import { PromotionService } from '../promotions/PromotionService';
import { EntityLoader } from './EntityLoader';
import { parseInput } from './validation';

export interface PromotionRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  entities: EntityLoader;
  promotions: PromotionService;
}

/**
 * `POST` and `GET /v1/entities/{kind}/{namespace}/{name}/promotions`. Registered on the plugin's
 * router itself (not a sub-router) so the OpenAPI check sees them; without promotions wired in,
 * they answer 501.
 */
export function registerPromotionRoutes(
  router: express.Router,
  options: PromotionRoutesOptions | undefined,
): void {
  const route = '/v1/entities/:kind/:namespace/:name/promotions';
  const wired = () => {
    if (!options) {
      throw new NotImplementedError('promotions are not set up');
    }
    return options;
  };

  router.post(route, async (req, res) => {
    const { httpAuth, permissions, entities, promotions } = wired();
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const body = parseInput(promotionRequestSchema, req.body);
    // A service token (CI's) may preview, not promote: the permission policy is only consulted for users.
    if (!body.dryRun && credentials.principal.type !== 'user') {
      throw new NotAllowedError(
        'Promotions are made by signed-in users, whose permissions the policy decides; services may only preview (dryRun: true)',
      );
    }
    const { kind, namespace, name } = req.params;
    const { entity, entityRef } = await entities.load(
      { kind, namespace, name },
      credentials,
    );
    const [decision] = await permissions.authorize(
      [
        {
          permission: shiplogPromotionCreatePermission,
          resourceRef: promotionResourceRef(entityRef, body.environment),
        },
      ],
      { credentials },
    );
    const allowed = decision.result === AuthorizeResult.ALLOW;
    if (body.dryRun) {
      res.json(await promotions.preview(entity, entityRef, body, allowed));
      return;
    }
    if (!allowed) {
      throw new NotAllowedError(
        `You may not promote ${entityRef} to ${body.environment} (permission shiplog.promotion.create); ask its owners or an administrator`,
      );
    }
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    const promotion = await promotions.create({
      entity,
      entityRef,
      request: body,
      requestedBy:
        principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`,
      httpRequest: req,
    });
    res.status(201).json(promotion);
  });

  router.get(route, async (req, res) => {
    const { httpAuth, entities, promotions } = wired();
    const query = parseInput(promotionsQuerySchema, req.query);
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = req.params;
    const { entityRef } = await entities.load(
      { kind, namespace, name },
      credentials,
    );
    res.json(await promotions.list(entityRef, query));
  });
}
