import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  ARGOCD_ANNOTATIONS,
  ArgoCdApplicationState,
  ArgoCdStateResponse,
} from '@shiplog/plugin-shiplog-common';
import { useCallback, useEffect, useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { LiveUpdates, useLiveRefresh } from './liveUpdates';
import { useQuietRefresh } from './useQuietRefresh';

/** The backend refreshes from Argo CD on its own interval; this only picks up what it already has. */
const REFRESH_MS = 10_000;
/**
 * With signals the backend says when Argo CD changed; polling stays as a safety net for what has no
 * signal of its own: a values file pushed to Git shows once the backend's cache of it expires.
 */
const SIGNALLED_REFRESH_MS = 20_000;

export function hasArgoCdAnnotations(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return Boolean(
    annotations[ARGOCD_ANNOTATIONS.appName] ||
      annotations[ARGOCD_ANNOTATIONS.appSelector],
  );
}

/**
 * Live Argo CD state for an entity, refreshed while the tab is open (when `updates` says the Argo CD
 * part changed, and by a poll that slows down when `live`); nothing is fetched without annotations.
 * Refreshes are quiet (what is on screen stays until the answer comes) and never dropped: a signal
 * arriving while a fetch runs is followed by one more fetch, so the last change always shows.
 */
export function useArgoCdState(
  entity: Entity,
  entityRef: CompoundEntityRef,
  options: { updates?: LiveUpdates; live?: boolean } = {},
) {
  const api = useApi(shiplogApiRef);
  const enabled = hasArgoCdAnnotations(entity);
  const state = useAsync(
    async () => (enabled ? api.getArgoCdState(entityRef) : undefined),
    [api, enabled, entityRef.kind, entityRef.namespace, entityRef.name],
  );
  const refresh = useQuietRefresh(() => api.getArgoCdState(entityRef));
  const run = refresh.run;
  const { live } = options;
  useEffect(() => {
    if (!enabled) return undefined;
    const timer = setInterval(run, live ? SIGNALLED_REFRESH_MS : REFRESH_MS);
    return () => clearInterval(timer);
  }, [enabled, run, live]);
  useLiveRefresh(options.updates, 'argocd', () => {
    if (enabled) run();
  });
  const sync = useCallback(
    async (app: ArgoCdApplicationState) => {
      await api.syncArgoCdApplication(entityRef, {
        application: app.name,
        instance: app.instance,
        appNamespace: app.namespace,
      });
      run();
    },
    [api, entityRef, run],
  );
  const value = refresh.value ?? state.value;
  const error = refresh.value ? undefined : state.error;
  // The same object while nothing changed, so the parts of the tab it feeds render only on news.
  return useMemo(
    () => ({ loading: state.loading, error, value, sync }),
    [state.loading, error, value, sync],
  );
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
