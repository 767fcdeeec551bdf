import { InputError, NotImplementedError } from '@backstage/errors';
import { parseDoraWindow } from '@shiplog/plugin-shiplog-common';
import { OrgViewService } from '../ledger/OrgViewService';
import { EntityAccess } from './entityAccess';
import { ShiplogRouter } from './paths';

/**
 * Org views of a Component, System, Group or Domain: `GET .../rollup` and `GET .../dora?from=&to=`.
 * Read-only: the caller's read access to the entity (and, through the catalog, to its components)
 * is all they need. Without org views wired in, they answer 501.
 */
export function registerOrgRoutes(
  router: ShiplogRouter,
  options: { access: EntityAccess; orgViews?: OrgViewService },
): void {
  const { access } = options;
  const orgViews = () => {
    if (!options.orgViews) {
      throw new NotImplementedError('org views are not set up');
    }
    return options.orgViews;
  };

  router.get('/v1/entities/:kind/:namespace/:name/rollup', async (req, res) => {
    const { entity, credentials } = await access.load(req);
    res.json(await orgViews().rollup(entity, credentials));
  });

  router.get('/v1/entities/:kind/:namespace/:name/dora', async (req, res) => {
    const window = parseDoraWindow({
      from: typeof req.query.from === 'string' ? req.query.from : undefined,
      to: typeof req.query.to === 'string' ? req.query.to : undefined,
    });
    if ('error' in window) {
      throw new InputError(`Invalid input: ${window.error}`);
    }
    const { entity, credentials } = await access.load(req);
    res.json(await orgViews().dora(entity, credentials, window));
  });
}
