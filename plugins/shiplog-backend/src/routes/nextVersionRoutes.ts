import { nextVersionQuerySchema } from '@shiplog/plugin-shiplog-common';
import { NextVersionService } from '../ledger/NextVersionService';
import { EntityAccess } from './entityAccess';
import { ShiplogRouter } from './paths';
import { parseInput } from './validation';

/**
 * `GET .../next-version?commitSha=`: CI asks it on each merge and cuts the tag and release itself.
 * Users and services (CI tokens) may ask; the entity must be visible to the caller.
 */
export function registerNextVersionRoutes(
  router: ShiplogRouter,
  options: { access: EntityAccess; nextVersion: NextVersionService },
): void {
  router.get(
    '/v1/entities/:kind/:namespace/:name/next-version',
    async (req, res) => {
      const query = parseInput(nextVersionQuerySchema, req.query);
      const { entityRef } = await options.access.load(req);
      res.json(
        await options.nextVersion.nextVersion(entityRef, query.commitSha),
      );
    },
  );
}
