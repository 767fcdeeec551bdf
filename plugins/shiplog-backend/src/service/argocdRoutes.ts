import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ArgoCdStateResponse,
  ArgoCdSyncResponse,
  argoCdSyncRequestSchema,
  IngestResponse,
  ReleaseEvent,
  releaseEventInputSchema,
  shiplogArgocdSyncPermission,
} from '@shiplog/plugin-shiplog-common';
import { randomUUID } from 'crypto';
import express from 'express';
import { ArgoCdService } from '../argocd/ArgoCdService';
import { EntityLoader } from './EntityLoader';
import { parseInput } from './validation';

/** The `:kind/:namespace/:name` of an entity route mounted under a prefix held in a variable. */
function entityParams(req: express.Request) {
  const { kind, namespace, name } = req.params as Record<string, string>;
  return { kind, namespace, name };
}

export interface ArgoCdRouteOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  entities: EntityLoader;
  argocd: ArgoCdService;
  ingester: { ingest(events: ReleaseEvent[]): Promise<IngestResponse> };
}

/** `GET .../argocd` (live state) and `POST .../argocd/sync` (manual sync, permission-checked and recorded). */
export function registerArgoCdRoutes(
  router: express.Router,
  entityRoute: string,
  options: ArgoCdRouteOptions,
) {
  const { httpAuth, permissions, entities, argocd, ingester } = options;

  router.get(`${entityRoute}/argocd`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = entityParams(req);
    const { entity } = await entities.load(
      { kind, namespace, name },
      credentials,
    );
    const body: ArgoCdStateResponse = argocd.enabled
      ? await argocd.getEntityState(entity)
      : { applications: [], instances: [] };
    res.json(body);
  });

  router.post(`${entityRoute}/argocd/sync`, async (req, res) => {
    // A person starts a production sync; the ledger records who.
    const credentials: BackstageCredentials<BackstageUserPrincipal> =
      await httpAuth.credentials(req, { allow: ['user'] });
    const request = parseInput(argoCdSyncRequestSchema, req.body ?? {});
    const { kind, namespace, name } = entityParams(req);
    const { entity, entityRef } = await entities.load(
      { kind, namespace, name },
      credentials,
    );
    const [decision] = await permissions.authorize(
      [{ permission: shiplogArgocdSyncPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You may not sync ${entityRef}'s Argo CD applications (permission shiplog.argocd.sync)`,
      );
    }
    const syncId = randomUUID();
    const requestedAt = new Date().toISOString();
    const application = await argocd.sync(
      entity,
      request,
      async (target, outcome) => {
        const version = target.declared?.tag ?? target.version;
        if (!target.environment || !version) return;
        await ingester.ingest([
          releaseEventInputSchema.parse({
            id: `shiplog-sync:${syncId}:${outcome}`,
            entityRef,
            type: 'deploy',
            status: outcome,
            environment: target.environment,
            version,
            actor: credentials.principal.userEntityRef,
            source: 'shiplog',
            runUrl: target.url,
            occurredAt: outcome === 'started' ? requestedAt : undefined,
          }),
        ]);
      },
    );
    const body: ArgoCdSyncResponse = { application };
    res.status(202).json(body);
  });
}
