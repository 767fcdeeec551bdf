import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EnvironmentsResponse } from '@shiplog/plugin-shiplog-common';
import { useEffect, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

/**
 * The entity's environments (what runs where, drift, undeployed commits).
 *
 * When `refreshKey` changes after its first value (the tab passes the Argo CD rollouts it sees), the
 * matrix is fetched again quietly: no progress, and a failure keeps what is on screen.
 */
export function useEnvironments(
  entityRef: CompoundEntityRef,
  options: { refreshKey?: string } = {},
) {
  const api = useApi(shiplogApiRef);
  const { refreshKey } = options;
  const initial = useAsync(
    () => api.getEnvironments(entityRef),
    [api, entityRef.kind, entityRef.namespace, entityRef.name],
  );
  const [fresh, setFresh] = useState<EnvironmentsResponse>();
  const seenKey = useRef<string | undefined>();
  useEffect(() => {
    if (refreshKey === undefined) return undefined;
    const previous = seenKey.current;
    seenKey.current = refreshKey;
    if (previous === undefined || previous === refreshKey) return undefined;
    let cancelled = false;
    api
      .getEnvironments(entityRef)
      .then(environments => {
        if (!cancelled) setFresh(environments);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, entityRef, refreshKey]);
  return {
    loading: initial.loading,
    error: initial.error,
    value: fresh ?? initial.value,
  };
}
