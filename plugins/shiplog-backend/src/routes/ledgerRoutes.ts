import {
  changelogQuerySchema,
  deploymentsQuerySchema,
  EnvironmentsResponse,
  releasesQuerySchema,
} from '@shiplog/plugin-shiplog-common';
import { LedgerService } from '../ledger/LedgerService';
import { EntityAccess } from './entityAccess';
import { ShiplogRouter } from './paths';
import { parseInput } from './validation';

/** The ledger's read models of one entity: environments, releases, deployments, changelog. */
export function registerLedgerRoutes(
  router: ShiplogRouter,
  options: {
    access: EntityAccess;
    ledger: LedgerService;
    /** Adds each environment's hold and freeze window to the matrix (promotions' safety net). */
    withSafety?: (
      response: EnvironmentsResponse,
    ) => Promise<EnvironmentsResponse>;
  },
): void {
  const { access, ledger } = options;

  router.get(
    '/v1/entities/:kind/:namespace/:name/environments',
    async (req, res) => {
      const { entity, entityRef } = await access.load(req);
      const matrix = await ledger.getEnvironments(entityRef, entity);
      res.json(options.withSafety ? await options.withSafety(matrix) : matrix);
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/releases',
    async (req, res) => {
      const query = parseInput(releasesQuerySchema, req.query);
      const { entityRef } = await access.load(req);
      res.json(await ledger.listReleases(entityRef, query));
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/deployments',
    async (req, res) => {
      const query = parseInput(deploymentsQuerySchema, req.query);
      const { entityRef } = await access.load(req);
      res.json(await ledger.listDeployments(entityRef, query));
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/changelog',
    async (req, res) => {
      const query = parseInput(changelogQuerySchema, req.query);
      const { entityRef } = await access.load(req);
      res.json(await ledger.getChangelog(entityRef, query.from, query.to));
    },
  );
}
