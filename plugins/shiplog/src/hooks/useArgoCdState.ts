import { CompoundEntityRef, Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import {
  ARGOCD_ANNOTATIONS,
  ArgoCdApplicationState,
  ArgoCdStateResponse,
} from '@shiplog/plugin-shiplog-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
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
 * by a poll that slows down when `updates.live`); nothing is fetched without annotations. Refreshes are
 * quiet (what is on screen stays until the answer comes) and never dropped: a signal arriving while a
 * fetch runs is followed by one more fetch, so the last change always shows.
 */
export function useArgoCdState(
  entity: Entity,
  entityRef: CompoundEntityRef,
  updates: { updateKey?: number; live?: boolean } = {},
) {
  const api = useApi(shiplogApiRef);
  const enabled = hasArgoCdAnnotations(entity);
  const state = useAsync(
    async () => (enabled ? api.getArgoCdState(entityRef) : undefined),
    [api, enabled, entityRef.kind, entityRef.namespace, entityRef.name],
  );
  const refresh = useQuietRefresh(() => api.getArgoCdState(entityRef));
  const run = refresh.run;
  useEffect(() => {
    if (!enabled) return undefined;
    const timer = setInterval(
      run,
      updates.live ? SIGNALLED_REFRESH_MS : REFRESH_MS,
    );
    return () => clearInterval(timer);
  }, [enabled, run, updates.live]);
  const { updateKey } = updates;
  useEffect(() => {
    if (enabled && updateKey) run();
  }, [enabled, run, updateKey]);
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
  return {
    loading: state.loading,
    error: refresh.value ? undefined : state.error,
    value: refresh.value ?? state.value,
    sync,
  };
}

/** Fetches on demand, one fetch at a time; a request during a fetch runs once more after it. */
function useQuietRefresh<T>(fetchValue: () => Promise<T>) {
  const [value, setValue] = useState<T>();
  const latest = useRef(fetchValue);
  latest.current = fetchValue;
  const busy = useRef(false);
  const again = useRef(false);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = useCallback(async () => {
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    try {
      do {
        again.current = false;
        const next = await latest.current().catch(() => undefined);
        if (next !== undefined && mounted.current) setValue(next);
      } while (again.current && mounted.current);
    } finally {
      busy.current = false;
    }
  }, []);
  return { value, run };
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
