import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { TtlCache } from '../cache/TtlCache';

const MAX_CACHED = 10_000;

/**
 * Loads the entity a request is about. A user's request reads the catalog on the user's behalf, so
 * the catalog's read permission decides what a user may see; a service's (a CI token, typically
 * restricted to Shiplog alone) reads with Shiplog's own credentials. Answers are kept briefly per
 * caller, because every read of the Deployments tab needs one and the catalog is a network hop away;
 * concurrent requests of one caller for one entity share one catalog read.
 */
export class EntityLoader {
  private readonly cache: TtlCache<Entity | undefined>;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    ttlMs = 10_000,
  ) {
    this.cache = new TtlCache(ttlMs, MAX_CACHED);
  }

  /** Returns the entity and its normalised reference, or throws NotFoundError. */
  async load(
    ref: { kind: string; namespace: string; name: string },
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; entityRef: string }> {
    const entityRef = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
      subject?: string;
    };
    const key = `${principal.type}:${
      principal.userEntityRef ?? principal.subject ?? ''
    }\u0000${entityRef}`;
    const entity = await this.cache.get(key, async () => {
      const onBehalfOf = this.auth.isPrincipal(credentials, 'user')
        ? credentials
        : await this.auth.getOwnServiceCredentials();
      return this.catalog.getEntityByRef(entityRef, {
        credentials: onBehalfOf,
      });
    });
    if (!entity) {
      throw new NotFoundError(
        `No entity ${entityRef} in the catalog, or you may not read it`,
      );
    }
    return { entity, entityRef };
  }
}
