import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  SHIPLOG_ANNOTATIONS,
  environmentNameSchema,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { argoOperationEventId } from '../argocd/polling/operationEventId';
import { versionFromImages } from '../argocd/client/applicationFields';
import { LedgerEvent } from '../database/types';
import type { IngestEventSchema } from '../ingest/readIngestSchema';

/**
 * The body Shiplog's Argo CD notification template sends (see the README for the template).
 * Argo CD notifications have no fixed schema, so this one is ours.
 */
export interface ArgoNotificationPayload {
  app?: string;
  namespace?: string;
  project?: string;
  instance?: string;
  /** sync-running | sync-succeeded | sync-failed | health-degraded | deployed */
  event?: string;
  revision?: string;
  images?: string[];
  labels?: Record<string, string>;
  environment?: string;
  startedAt?: string;
  finishedAt?: string;
  initiatedBy?: string;
  url?: string;
}

const STATUSES: Record<string, 'started' | 'succeeded' | 'failed' | undefined> =
  {
    'sync-running': 'started',
    'sync-succeeded': 'succeeded',
    deployed: 'succeeded',
    'sync-failed': 'failed',
    'health-degraded': 'failed',
  };

/** Which environment an application deploys to: stated, labelled, or the app name's suffix (`checkout-prod`). */
export function argoEnvironment(
  payload: ArgoNotificationPayload,
  environments: EnvironmentConfig[],
): string | undefined {
  const labels = payload.labels ?? {};
  const stated =
    payload.environment ||
    labels['shiplog.dev/environment'] ||
    labels.environment ||
    labels.env;
  if (stated) return stated;
  const app = payload.app ?? '';
  return environments
    .map(env => env.name)
    .find(name => app.endsWith(`-${name}`) || app.endsWith(`.${name}`));
}

/** The version the app now runs: the tag of the entity's image among the app's images, else the Git revision. */
function argoVersion(
  payload: ArgoNotificationPayload,
  entity: Entity,
): string | undefined {
  return (
    versionFromImages(
      payload.images ?? [],
      entity.metadata.annotations?.[SHIPLOG_ANNOTATIONS.image],
    ) ?? payload.revision
  );
}

export type ArgoTranslation = { events: LedgerEvent[] } | { ignored: string };

export function translateArgoNotification(
  payload: ArgoNotificationPayload,
  eventId: string,
  entity: Entity,
  entityRef: string,
  environments: EnvironmentConfig[],
  schema: IngestEventSchema = releaseEventInputSchema,
): ArgoTranslation {
  const status = STATUSES[payload.event ?? ''];
  if (!status)
    return { ignored: `event "${payload.event}" is not one Shiplog records` };
  const environment = argoEnvironment(payload, environments);
  if (!environment || !environmentNameSchema.safeParse(environment).success) {
    return {
      ignored: `cannot tell the environment of application "${payload.app}": set the label shiplog.dev/environment`,
    };
  }
  const version = argoVersion(payload, entity);
  if (!version)
    return {
      ignored: `application "${payload.app}" reported neither images nor a revision`,
    };
  const revision =
    payload.revision && /^[0-9a-f]{7,40}$/i.test(payload.revision)
      ? payload.revision
      : undefined;
  const at =
    status === 'started'
      ? payload.startedAt
      : payload.finishedAt || payload.startedAt;
  const operationId =
    payload.instance &&
    payload.app &&
    payload.startedAt &&
    !Number.isNaN(Date.parse(payload.startedAt))
      ? argoOperationEventId(
          {
            instance: payload.instance,
            namespace: payload.namespace,
            app: payload.app,
            startedAt: payload.startedAt,
          },
          status,
          entityRef,
        )
      : undefined;
  return {
    events: [
      schema.parse({
        id: operationId ?? eventId,
        entityRef,
        type: 'deploy',
        status,
        environment,
        version,
        // A GitOps revision is the config repository's commit, not the component's: keep it out of commitSha
        // unless the version itself is that revision.
        commitSha: version === payload.revision ? revision : undefined,
        runUrl:
          payload.url && /^https?:\/\//.test(payload.url)
            ? payload.url
            : undefined,
        actor: payload.initiatedBy || 'argocd',
        source: 'argocd',
        occurredAt:
          at && !Number.isNaN(Date.parse(at))
            ? new Date(at).toISOString()
            : undefined,
      }),
    ],
  };
}
