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
  private readonly cache = new Map<
    string,
    { at: number; value: Promise<IndexedEntity[]> }
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly ttlMs = 30_000,
  ) {}

  /** Entities whose `github.com/project-slug` is the repository's `owner/name` (case-insensitive, as GitHub is). */
  byGithubRepository(fullName: string): Promise<IndexedEntity[]> {
    return this.cached(`github:${fullName.toLowerCase()}`, async () => {
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
    return this.cached(`image:${repository.toLowerCase()}`, async () => {
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
      this.cached(`argo-name:${app}`, () =>
        this.query({
          [`metadata.annotations.${ARGOCD_ANNOTATIONS.appName}`]: app,
        }),
      ),
      this.cached('argo-selectors', () =>
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

  private cached(
    key: string,
    load: () => Promise<IndexedEntity[]>,
  ): Promise<IndexedEntity[]> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = load();
    // A failed lookup is not cached: the delivery will be retried and should ask again.
    value.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, value });
    return value;
  }
}
