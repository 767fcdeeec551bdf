/*
 * The subset of Argo CD's REST API (`/api/v1`, `v1alpha1` objects) that Shiplog reads, with Argo's own field
 * names. Shared by the backend's client and the workspace's Argo CD simulator so both speak the same JSON.
 */

/** @public */
export interface ArgoApplicationSource {
  repoURL: string;
  path?: string;
  chart?: string;
  targetRevision?: string;
  ref?: string;
  helm?: { valueFiles?: string[] };
}

/** @public */
export interface ArgoSyncOperation {
  revision?: string;
  revisions?: string[];
}

/** @public */
export interface ArgoInitiatedBy {
  username?: string;
  automated?: boolean;
}

/** @public */
export interface ArgoOperationState {
  operation: { sync: ArgoSyncOperation; initiatedBy: ArgoInitiatedBy };
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
  message?: string;
  startedAt: string;
  finishedAt?: string;
  syncResult?: {
    revision?: string;
    revisions?: string[];
    resources?: Array<{ kind: string; name: string; status: string }>;
  };
}

/** @public */
export interface ArgoHistoryEntry {
  id: number;
  revision?: string;
  revisions?: string[];
  deployedAt: string;
  deployStartedAt?: string;
  initiatedBy?: ArgoInitiatedBy;
}

/** @public */
export interface ArgoResourceStatus {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status?: string;
  health?: { status: string; message?: string };
}

/** @public */
export interface ArgoApplication {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp: string;
  };
  spec: {
    project: string;
    source?: ArgoApplicationSource;
    sources?: ArgoApplicationSource[];
    destination: { server?: string; name?: string; namespace?: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
  status: {
    sync: {
      status: 'Synced' | 'OutOfSync' | 'Unknown';
      revision?: string;
      revisions?: string[];
    };
    health: { status: string; message?: string };
    history?: ArgoHistoryEntry[];
    operationState?: ArgoOperationState;
    reconciledAt?: string;
    sourceType?: string;
    sourceTypes?: string[];
    resources?: ArgoResourceStatus[];
    summary?: { images?: string[]; externalURLs?: string[] };
  };
}

/** @public */
export interface ArgoResourceNode {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
  resourceVersion?: string;
  parentRefs?: Array<{
    group?: string;
    kind: string;
    namespace?: string;
    name: string;
    uid: string;
  }>;
  health?: { status: string; message?: string };
  images?: string[];
  createdAt?: string;
  info?: Array<{ name: string; value: string }>;
}

/** @public */
export interface ArgoRevisionMetadata {
  author: string;
  date: string;
  tags?: string[];
  message: string;
}

/** @public */
export interface ArgoApplicationList {
  metadata?: { resourceVersion?: string };
  items: ArgoApplication[] | null;
}

/** @public */
export interface ArgoResourceTree {
  nodes?: ArgoResourceNode[];
}
