import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  ARGOCD_ANNOTATIONS,
  ArgoCdApplicationState,
  ArgoCdStateResponse,
} from '@shiplog/plugin-shiplog-common';
import { useCallback, useEffect } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { shiplogApiRef } from '../api/ShiplogApi';

/** The backend refreshes from Argo CD on its own interval; this only picks up what it already has. */
const REFRESH_MS = 10_000;
/** With signals the backend says when something changed; polling stays only as a slow safety net. */
const SIGNALLED_REFRESH_MS = 120_000;

export function hasArgoCdAnnotations(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ARGOCD_ANNOTATIONS.appName] ||
      annotations[ARGOCD_ANNOTATIONS.appSelector],
  );
}

/**
 * Live Argo CD state for an entity, refreshed while the tab is open (on each `updates.updateKey`, and
 * by a poll that slows down when `updates.live`); nothing is fetched without annotations.
 */
export function useArgoCdState(
  entity: Entity,
  entityRef: CompoundEntityRef,
  updates: { updateKey?: number; live?: boolean } = {},
) {
  const api = useApi(shiplogApiRef);
  const enabled = hasArgoCdAnnotations(entity);
  const state = useAsyncRetry(
    async () => (enabled ? api.getArgoCdState(entityRef) : undefined),
    [api, enabled, entityRef.kind, entityRef.namespace, entityRef.name],
  );
  const { retry } = state;
  useEffect(() => {
    if (!enabled) return undefined;
    const timer = setInterval(
      retry,
      updates.live ? SIGNALLED_REFRESH_MS : REFRESH_MS,
    );
    return () => clearInterval(timer);
  }, [enabled, retry, updates.live]);
  const { updateKey } = updates;
  useEffect(() => {
    if (enabled && updateKey) retry();
  }, [enabled, retry, updateKey]);
  const sync = useCallback(
    async (app: ArgoCdApplicationState) => {
      await api.syncArgoCdApplication(entityRef, {
        application: app.name,
        instance: app.instance,
        appNamespace: app.namespace,
      });
      retry();
    },
    [api, entityRef, retry],
  );
  return { ...state, sync };
}

/**
 * A key that changes when Argo CD shows a rollout start or finish: the ledger then has news too, so
 * the tab refreshes the environments with it.
 */
export function rolloutKey(
  state: ArgoCdStateResponse | undefined,
): string | undefined {
  return state?.applications
    .map(
      app =>
        `${app.name}:${app.version}:${app.operation?.phase}:${app.operation?.finishedAt}`,
    )
    .join('|');
}
