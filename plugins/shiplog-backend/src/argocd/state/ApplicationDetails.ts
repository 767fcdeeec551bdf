import { ArgoCdApplicationState } from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { TtlCache } from '../../cache/TtlCache';
import { ArgoCdClient } from '../client/ArgoCdClient';
import { revisionsOf, sourcesOf } from '../client/applicationFields';
import { summarizeResources } from './applicationState';

/**
 * What a page shows beyond the application list, fetched from Argo CD and shared between viewers:
 * resource trees once per application version and refresh interval, revision metadata once per revision.
 */
export class ApplicationDetails {
  private readonly trees: TtlCache<ArgoCdApplicationState['resources']>;
  private readonly revisions = new TtlCache<
    ArgoCdApplicationState['revisionMetadata']
  >(Infinity, 20_000);

  constructor(refreshIntervalMs: number) {
    this.trees = new TtlCache(refreshIntervalMs);
  }

  /** Kinds and health of the app's resources. */
  resources(
    client: ArgoCdClient,
    app: ArgoApplication,
  ): Promise<ArgoCdApplicationState['resources']> {
    const key = `${client.instance.name}\0${app.metadata.namespace}\0${app.metadata.name}\0${app.metadata.resourceVersion}`;
    return this.trees.get(key, async () => {
      const tree = await client.getResourceTree(
        app.metadata.name,
        app.metadata.namespace,
      );
      return summarizeResources(tree.nodes ?? []);
    });
  }

  /** Metadata of the synced Git revision (multi-source: the first source that is Git, not a chart). */
  async revisionMetadata(
    client: ArgoCdClient,
    app: ArgoApplication,
  ): Promise<ArgoCdApplicationState['revisionMetadata']> {
    const sources = sourcesOf(app);
    const revisions = revisionsOf(app.status?.sync);
    const index = sources.findIndex(source => !source.chart);
    const revision = revisions[index < 0 ? 0 : index];
    if (!revision || index < 0) return undefined;
    const multi = (app.spec.sources?.length ?? 0) > 0;
    return this.revisions.get(
      `${client.instance.name}\0${app.metadata.namespace}\0${app.metadata.name}\0${revision}`,
      async () => {
        const metadata = await client.getRevisionMetadata(
          app.metadata.name,
          revision,
          {
            appNamespace: app.metadata.namespace,
            sourceIndex: multi ? index : undefined,
          },
        );
        return {
          revision,
          author: metadata.author,
          date: metadata.date,
          message: metadata.message,
        };
      },
    );
  }
}
