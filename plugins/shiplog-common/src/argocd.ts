import { z } from 'zod/v3';

/**
 * Live Argo CD state of one application of an entity, as `GET .../argocd` returns it.
 *
 * @public
 */
export interface ArgoCdApplicationState {
  instance: string;
  name: string;
  namespace: string;
  project: string;
  /** The Shiplog environment the application deploys, from its labels, destination or name. */
  environment?: string;
  /** The application in the instance's Argo CD UI. */
  url?: string;
  sources: Array<{
    repoURL: string;
    path?: string;
    chart?: string;
    targetRevision?: string;
    ref?: string;
    valueFiles?: string[];
  }>;
  multiSource: boolean;
  syncPolicy: 'automated' | 'manual';
  sync: { status: string; revisions: string[] };
  health: { status: string; message?: string };
  operation?: {
    phase: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    initiatedBy?: string;
  };
  images: string[];
  /**
   * Other entities whose annotations claim this application too. While there are any, nobody may sync
   * it through Shiplog: its owner should annotate the Application with `shiplog.dev/entity-ref`.
   */
  otherClaimants?: string[];
  /** The tag of the entity's image (`shiplog.dev/image`) among the live images. */
  version?: string;
  lastDeployedAt?: string;
  history: Array<{
    id: number;
    revisions: string[];
    deployedAt: string;
    initiatedBy?: string;
  }>;
  /** The Git commit behind the synced revision (multi-source: the first Git source). */
  revisionMetadata?: {
    revision: string;
    author?: string;
    date?: string;
    message?: string;
  };
  resources?: {
    total: number;
    byKind: Record<string, number>;
    byHealth: Record<string, number>;
    unhealthy: Array<{
      kind: string;
      name: string;
      namespace?: string;
      health: string;
      message?: string;
    }>;
  };
  /** Why the resource tree is missing, when it is. */
  resourcesError?: string;
  /** What Git declares: the values file's tag, compared with the live image. */
  declared?: {
    repository: string;
    path: string;
    tag?: string;
    error?: string;
  };
  gitDrift: 'in-sync' | 'drifted' | 'unknown';
  /** Sync is offered where the environment syncs by hand (the caller's permission is checked separately). */
  manualSync: boolean;
}

/** @public */
export interface ArgoCdInstanceStatus {
  name: string;
  status: 'ok' | 'error' | 'pending';
  error?: string;
  /** When the instance last answered its application list. */
  fetchedAt?: string;
}

/** @public */
export interface ArgoCdStateResponse {
  applications: ArgoCdApplicationState[];
  instances: ArgoCdInstanceStatus[];
}

/**
 * Body of `POST .../argocd/sync`.
 *
 * @public
 */
export const argoCdSyncRequestSchema = z
  .object({
    application: z
      .string({ required_error: 'is required' })
      .min(1, 'must not be empty')
      .max(253, 'must be at most 253 characters'),
    instance: z.string().min(1).max(100).optional(),
    appNamespace: z.string().min(1).max(253).optional(),
  })
  .strict();

/** @public */
export type ArgoCdSyncRequest = z.infer<typeof argoCdSyncRequestSchema>;

/** @public */
export interface ArgoCdSyncResponse {
  application: ArgoCdApplicationState;
}
