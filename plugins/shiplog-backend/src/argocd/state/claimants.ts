import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { CatalogEntityIndex } from '../../catalog/CatalogEntityIndex';
import { belongsToEntity, declaredOwnerOf } from './applicationState';

/** Every entity an application belongs to (sorted refs); more than one is a conflict nobody may sync through. */
export type ClaimantsLookup = (
  app: ArgoApplication,
  instance: string,
) => Promise<string[]>;

/**
 * Finds the claimants of an application through the catalog (cached by the index): the entity its
 * `shiplog.dev/entity-ref` names, else every entity whose annotations claim it.
 */
export function createClaimantsLookup(
  index: Pick<CatalogEntityIndex, 'byArgoApplication'>,
): ClaimantsLookup {
  return async (app, instance) => {
    const declared = declaredOwnerOf(app);
    if (declared !== undefined) return declared ? [declared] : [];
    const candidates = await index.byArgoApplication(
      app.metadata.name,
      app.metadata.labels ?? {},
      instance,
    );
    return candidates
      .filter(({ entity }) => belongsToEntity(app, entity))
      .map(({ entityRef }) => entityRef)
      .sort();
  };
}
