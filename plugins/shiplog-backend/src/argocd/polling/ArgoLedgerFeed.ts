import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EnvironmentConfig,
  SHIPLOG_ANNOTATIONS,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { LedgerEvent } from '../../database/types';
import { CatalogEntityIndex } from '../../catalog/CatalogEntityIndex';
import { argoOperationEventId } from './operationEventId';
import {
  applicationEnvironment,
  versionFromImages,
} from '../client/applicationFields';
import { ArgoCdConfig } from '../config';

type Outcome = 'started' | 'succeeded' | 'failed';

/** What an operation has shown so far: started while running, then its outcome once health settles. */
function outcomes(app: ArgoApplication): Outcome[] {
  const operation = app.status?.operationState;
  if (!operation?.startedAt) return [];
  const health = app.status?.health?.status;
  if (operation.phase === 'Running' || operation.phase === 'Terminating') {
    return ['started'];
  }
  if (operation.phase === 'Failed' || operation.phase === 'Error') {
    return ['started', 'failed'];
  }
  if (operation.phase === 'Succeeded') {
    if (health === 'Healthy') return ['started', 'succeeded'];
    if (health === 'Degraded') return ['started', 'failed'];
    return ['started'];
  }
  return [];
}

/**
 * Turns operations seen in Argo CD's application lists into ledger deploy events. Ids are shared with
 * Argo CD notifications (`argoOperationEventId`), so a sync seen both ways is recorded once.
 */
export class ArgoLedgerFeed {
  /** Per application, what was already recorded, so an unchanged list costs no catalog lookups. */
  private readonly recorded = new Map<string, string>();

  constructor(
    private readonly options: {
      config: ArgoCdConfig;
      environments: EnvironmentConfig[];
      entities: CatalogEntityIndex;
      ingest: (events: LedgerEvent[]) => Promise<unknown>;
      logger: LoggerService;
    },
  ) {}

  async observe(instance: string, applications: ArgoApplication[]) {
    const frontendUrl = this.options.config.instances.find(
      i => i.name === instance,
    )?.frontendUrl;
    const events: LedgerEvent[] = [];
    const seen: Array<[string, string]> = [];
    for (const app of applications) {
      const change = this.changeOf(instance, app);
      if (!change) continue;
      const environment = applicationEnvironment(
        app,
        this.options.config,
        this.options.environments,
      );
      if (!environment) continue;
      const entities = await this.options.entities.byArgoApplication(
        app.metadata.name,
        app.metadata.labels ?? {},
        instance,
      );
      for (const { entity, entityRef } of entities) {
        const version = versionFromImages(
          app.status?.summary?.images ?? [],
          entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.image],
        );
        if (!version) continue;
        for (const status of change.fresh) {
          const event = this.deployEvent(
            { instance, frontendUrl, app, environment, version, entityRef },
            status,
          );
          if (event) events.push(event);
        }
      }
      seen.push([change.key, change.fingerprint]);
    }
    if (events.length) {
      await this.options.ingest(events);
      this.options.logger.info(
        `Argo CD ${instance}: recorded ${events.length} deploy event(s) from observed syncs`,
      );
    }
    for (const [key, fingerprint] of seen) this.recorded.set(key, fingerprint);
  }

  /** The outcomes of the app's operation not yet recorded, or undefined when nothing changed. */
  private changeOf(instance: string, app: ArgoApplication) {
    const steps = outcomes(app);
    const operation = app.status?.operationState;
    if (!steps.length || !operation) return undefined;
    const key = `${instance}\u0000${app.metadata.namespace}\u0000${app.metadata.name}`;
    const fingerprint = `${operation.startedAt}|${steps.join(',')}`;
    const previous = this.recorded.get(key);
    if (previous === fingerprint) return undefined;
    // Outcomes of this operation already recorded (a start seen while it ran) are not sent again.
    const already =
      previous?.startsWith(`${operation.startedAt}|`) === true
        ? previous.slice(operation.startedAt.length + 1).split(',')
        : [];
    const fresh = steps.filter(step => !already.includes(step));
    return { key, fingerprint, fresh };
  }

  /** One outcome of the app's operation as a deploy event; undefined (and logged) when it is not valid. */
  private deployEvent(
    seen: {
      instance: string;
      frontendUrl?: string;
      app: ArgoApplication;
      environment: string;
      version: string;
      entityRef: string;
    },
    status: Outcome,
  ): LedgerEvent | undefined {
    const { instance, frontendUrl, app, environment, version, entityRef } =
      seen;
    const operation = app.status!.operationState!;
    const initiatedBy = operation.operation?.initiatedBy;
    const at =
      status === 'started'
        ? operation.startedAt
        : operation.finishedAt ?? operation.startedAt;
    // One odd application (an unusual tag, a long username) is skipped, not the whole instance.
    const parsed = releaseEventInputSchema.safeParse({
      id: argoOperationEventId(
        {
          instance,
          namespace: app.metadata.namespace,
          app: app.metadata.name,
          startedAt: operation.startedAt,
        },
        status,
        entityRef,
      ),
      entityRef,
      type: 'deploy',
      status,
      environment,
      version,
      actor:
        initiatedBy?.username ??
        (initiatedBy?.automated ? 'argocd (automated sync)' : 'argocd'),
      source: 'argocd',
      runUrl: frontendUrl
        ? `${frontendUrl}/applications/${encodeURIComponent(
            app.metadata.namespace,
          )}/${encodeURIComponent(app.metadata.name)}`
        : undefined,
      occurredAt: new Date(at).toISOString(),
    });
    if (parsed.success) return parsed.data;
    this.options.logger.warn(
      `Argo CD ${instance}: ${
        app.metadata.name
      }'s ${status} is not recorded: ${parsed.error.issues[0]?.path.join(
        '.',
      )}: ${parsed.error.issues[0]?.message}`,
    );
    return undefined;
  }
}
