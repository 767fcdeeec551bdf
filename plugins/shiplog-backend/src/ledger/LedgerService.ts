import { Entity } from '@backstage/catalog-model';
import {
  ChangelogResponse,
  Deployment,
  EnvironmentConfig,
  EnvironmentsResponse,
  Page,
  Release,
} from '@shiplog/plugin-shiplog-common';
import { LedgerStores } from '../database/stores';
import { getChangelog } from './changelog';
import { listDeployments } from './deployments';
import { environmentsOf, getEnvironments } from './environments';
import { getRelease, listReleases } from './releases';

export { decodeCursor, encodeCursor } from './cursor';

/** The read stores the ledger's read endpoints use. */
export type LedgerReadStores = Pick<
  LedgerStores,
  'releases' | 'commits' | 'deployments' | 'environments'
>;

/**
 * Answers the read endpoints from the ledger's read models: no history scans, a handful of indexed
 * lookups per request. Each answer is built in its own module (environments, releases, deployments,
 * changelog); this class holds what they share.
 */
export class LedgerService {
  constructor(
    private readonly stores: LedgerReadStores,
    private readonly environments: EnvironmentConfig[],
  ) {}

  /** The configured environments, narrowed or reordered by the entity's annotation. */
  environmentsOf(entity: Entity): EnvironmentConfig[] {
    return environmentsOf(this.environments, entity);
  }

  getEnvironments(
    entityRef: string,
    entity: Entity,
  ): Promise<EnvironmentsResponse> {
    return getEnvironments(
      this.stores,
      entityRef,
      this.environmentsOf(entity),
      entity,
    );
  }

  listReleases(
    entityRef: string,
    options: { limit: number; cursor?: string },
  ): Promise<Page<Release>> {
    return listReleases(this.stores, entityRef, options);
  }

  /** One release as `listReleases` shows it, or undefined. */
  getRelease(entityRef: string, version: string): Promise<Release | undefined> {
    return getRelease(this.stores, entityRef, version);
  }

  listDeployments(
    entityRef: string,
    options: {
      environment?: string;
      status?: Deployment['status'];
      limit: number;
      cursor?: string;
    },
  ): Promise<Page<Deployment>> {
    return listDeployments(this.stores.deployments, entityRef, options);
  }

  getChangelog(
    entityRef: string,
    from: string,
    to: string,
  ): Promise<ChangelogResponse> {
    return getChangelog(this.stores, entityRef, from, to);
  }
}
