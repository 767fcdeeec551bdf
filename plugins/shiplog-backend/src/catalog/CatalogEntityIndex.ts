import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ARGOCD_ANNOTATIONS,
  GITHUB_PROJECT_SLUG_ANNOTATION,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import { matchesSelector } from '@shiplog/plugin-shiplog-node';
import { TtlCache } from '../cache/TtlCache';

const FIELDS = [
  'kind',
  'metadata.namespace',
  'metadata.name',
  'metadata.annotations',
];

export interface IndexedEntity {
  entity: Entity;
  entityRef: string;
}

/**
 * Maps what a webhook names (a repository, an image, an Argo CD application) to catalog entities
 * through their annotations. Lookups are cached briefly: a burst of deliveries for one repository
 * costs one catalog query.
 */
export class CatalogEntityIndex {
  // A failed lookup is not kept: the delivery will be retried and should ask again.
  private readonly cache: TtlCache<IndexedEntity[]>;

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    ttlMs = 30_000,
  ) {
    this.cache = new TtlCache(ttlMs);
  }

  /** Entities whose `github.com/project-slug` is the repository's `owner/name` (case-insensitive, as GitHub is). */
  byGithubRepository(fullName: string): Promise<IndexedEntity[]> {
    return this.cache.get(`github:${fullName.toLowerCase()}`, async () => {
      const all = await this.query({
        [`metadata.annotations.${GITHUB_PROJECT_SLUG_ANNOTATION}`]:
          CATALOG_FILTER_EXISTS,
      });
      return all.filter(
        e =>
          e.entity.metadata.annotations?.[
            GITHUB_PROJECT_SLUG_ANNOTATION
          ]?.toLowerCase() === fullName.toLowerCase(),
      );
    });
  }

  /** Entities whose `shiplog.dev/image` is the image repository. */
  byImage(repository: string): Promise<IndexedEntity[]> {
    return this.cache.get(`image:${repository.toLowerCase()}`, async () => {
      const all = await this.query({
        [`metadata.annotations.${SHIPLOG_ANNOTATIONS.image}`]:
          CATALOG_FILTER_EXISTS,
      });
      return all.filter(
        e =>
          e.entity.metadata.annotations?.[
            SHIPLOG_ANNOTATIONS.image
          ]?.toLowerCase() === repository.toLowerCase(),
      );
    });
  }

  /**
   * Entities of an Argo CD application: by `argocd/app-name`, or by `argocd/app-selector` matching the
   * app's labels; `argocd/instance-name`, when both sides name an instance, must agree.
   */
  async byArgoApplication(
    app: string,
    labels: Record<string, string>,
    instance?: string,
  ): Promise<IndexedEntity[]> {
    const [named, selected] = await Promise.all([
      this.cache.get(`argo-name:${app}`, () =>
        this.query({
          [`metadata.annotations.${ARGOCD_ANNOTATIONS.appName}`]: app,
        }),
      ),
      this.cache.get('argo-selectors', () =>
        this.query({
          [`metadata.annotations.${ARGOCD_ANNOTATIONS.appSelector}`]:
            CATALOG_FILTER_EXISTS,
        }),
      ),
    ]);
    const matches = new Map<string, IndexedEntity>();
    for (const candidate of named) matches.set(candidate.entityRef, candidate);
    for (const candidate of selected) {
      const selector =
        candidate.entity.metadata.annotations?.[
          ARGOCD_ANNOTATIONS.appSelector
        ] ?? '';
      if (matchesSelector(selector, labels))
        matches.set(candidate.entityRef, candidate);
    }
    return [...matches.values()].filter(({ entity }) => {
      const wanted =
        entity.metadata.annotations?.[ARGOCD_ANNOTATIONS.instanceName];
      return !wanted || !instance || wanted === instance;
    });
  }

  private async query(
    filter: Record<string, string | symbol>,
  ): Promise<IndexedEntity[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      { filter, fields: FIELDS },
      { credentials },
    );
    return items.map(entity => ({
      entity,
      entityRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    }));
  }
}
