import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { ArgoCdStateResponse } from '@shiplog/plugin-shiplog-common';
import type { LedgerService } from '../ledger/LedgerService';
import type { EntityDirectory } from './EntityDirectory';
import type { ReleaseLinks, ReleaseView } from './slack/renderRelease';
import type { ReleaseViewSource } from './slack/types';

/** The Argo CD state the messages link to (the snapshot Shiplog already keeps: no extra Argo CD call). */
export interface ArgoCdStateReader {
  getEntityState(entity: Entity): Promise<ArgoCdStateResponse>;
}

/**
 * Renders what Slack messages show from the ledger's read side (the same answers as the Releases and
 * Environments endpoints) and the entity from the catalog; Argo CD app links where Argo CD knows the app.
 */
export class LedgerReleaseViews implements ReleaseViewSource {
  constructor(
    private readonly options: {
      ledger: LedgerService;
      directory: EntityDirectory;
      logger: LoggerService;
      argocd?: ArgoCdStateReader;
    },
  ) {}

  async releaseView(
    entityRef: string,
    version: string,
  ): Promise<ReleaseView | undefined> {
    const { ledger, directory } = this.options;
    const [release, entity] = await Promise.all([
      ledger.getRelease(entityRef, version),
      directory.entity(entityRef),
    ]);
    if (!release) return undefined;
    const environments = entity
      ? await ledger.getEnvironments(entityRef, entity)
      : undefined;
    const runningVersions: Record<string, string> = {};
    for (const env of environments?.environments ?? []) {
      if (env.current) runningVersions[env.name] = env.current.version;
    }
    return {
      entityRef,
      title:
        entity?.metadata.title ??
        entity?.metadata.name ??
        entityRef.split('/').pop()!,
      release,
      environments:
        environments?.environments.map(env => env.name) ??
        Object.keys(release.deployments),
      runningVersions,
      links: await this.linksOf(entityRef, entity),
    };
  }

  async links(entityRef: string): Promise<ReleaseLinks> {
    return this.linksOf(
      entityRef,
      await this.options.directory.entity(entityRef),
    );
  }

  private async linksOf(
    entityRef: string,
    entity?: Entity,
  ): Promise<ReleaseLinks> {
    const links = await this.options.directory.links(entityRef);
    if (!entity || !this.options.argocd) return links;
    try {
      const state = await this.options.argocd.getEntityState(entity);
      const argoApps: Record<string, string> = {};
      for (const app of state.applications) {
        if (app.environment && app.url && !argoApps[app.environment]) {
          argoApps[app.environment] = app.url;
        }
      }
      return { ...links, argoApps };
    } catch (error) {
      // Links are a convenience: a message goes out without them rather than not at all.
      this.options.logger.debug(`No Argo CD links for ${entityRef}: ${error}`);
      return links;
    }
  }
}
