import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useRef } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { LiveUpdates, useLiveRefresh } from './liveUpdates';
import { useQuietRefresh } from './useQuietRefresh';

/**
 * The entity's environments (what runs where, drift, undeployed commits).
 *
 * Fetched again quietly (no progress, a failure keeps what is on screen) when `updates` says the
 * environments changed, and when `refreshKey` changes after its first value (without signals, the tab
 * passes the Argo CD rollouts it sees).
 */
export function useEnvironments(
  entityRef: CompoundEntityRef,
  options: { refreshKey?: string; updates?: LiveUpdates } = {},
) {
  const api = useApi(shiplogApiRef);
  const { refreshKey } = options;
  const initial = useAsync(
    () => api.getEnvironments(entityRef),
    [api, entityRef.kind, entityRef.namespace, entityRef.name],
  );
  const fresh = useQuietRefresh(() => api.getEnvironments(entityRef));
  const { run } = fresh;
  useLiveRefresh(options.updates, 'environments', run);
  const seenKey = useRef<string | undefined>();
  useEffect(() => {
    if (refreshKey === undefined) return;
    const previous = seenKey.current;
    seenKey.current = refreshKey;
    if (previous !== undefined && previous !== refreshKey) run();
  }, [run, refreshKey]);
  return {
    loading: initial.loading,
    error: initial.error,
    value: fresh.value ?? initial.value,
  };
}
