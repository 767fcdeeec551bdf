import {
  ArgoCdStateResponse,
  ArgoCdSyncResponse,
  argoCdSyncRequestSchema,
  shiplogArgocdSyncPermission,
} from '@shiplog/plugin-shiplog-common';
import { ArgoCdRequestError } from '../argocd/client/ArgoCdClient';
import { ArgoCdService } from '../argocd/ArgoCdService';
import { EntityAccess } from './entityAccess';
import { ShiplogRouter } from './paths';
import { parseInput } from './validation';

/** `GET .../argocd` (live state) and `POST .../argocd/sync` (manual sync, permission-checked and recorded). */
export function registerArgoCdRoutes(
  router: ShiplogRouter,
  options: { access: EntityAccess; argocd: ArgoCdService },
): void {
  const { access, argocd } = options;

  router.get('/v1/entities/:kind/:namespace/:name/argocd', async (req, res) => {
    const { entity } = await access.load(req);
    const body: ArgoCdStateResponse = argocd.enabled
      ? await argocd.getEntityState(entity)
      : { applications: [], instances: [] };
    res.json(body);
  });

  router.post(
    '/v1/entities/:kind/:namespace/:name/argocd/sync',
    async (req, res) => {
      // A person starts a production sync; the ledger records who.
      const credentials = await access.authenticate(req, ['user']);
      const request = parseInput(argoCdSyncRequestSchema, req.body ?? {});
      const { entity, entityRef } = await access.loadFor(req, credentials, {
        permission: shiplogArgocdSyncPermission,
        deniedMessage: ref =>
          `You may not sync ${ref}'s Argo CD applications (permission shiplog.argocd.sync)`,
      });
      let application;
      try {
        application = await argocd.sync(entity, request, {
          entityRef,
          actor: credentials.principal.userEntityRef,
        });
      } catch (error) {
        // Argo CD failed (not the request): a bad gateway naming the instance, not a 500.
        if (error instanceof ArgoCdRequestError) {
          res.status(502).json({
            error: { name: error.name, message: error.message },
            request: { method: req.method, url: req.originalUrl },
            response: { statusCode: 502 },
          });
          return;
        }
        throw error;
      }
      const body: ArgoCdSyncResponse = { application };
      res.status(202).json(body);
    },
  );
}
