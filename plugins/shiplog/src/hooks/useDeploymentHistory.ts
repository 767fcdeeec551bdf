import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Deployment } from '@shiplog/plugin-shiplog-common';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

const PAGE_SIZE = 20;

/**
 * One page of the entity's deployments, newest first, filtered by environment and result, paged
 * with the API's keyset cursors. Changing a filter starts again from the newest page.
 */
export function useDeploymentHistory(entityRef: CompoundEntityRef) {
  const api = useApi(shiplogApiRef);
  const [environment, setEnvironmentFilter] = useState('');
  const [status, setStatusFilter] = useState('');
  // Cursors of the pages before this one, so "Newer" can go back.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const { value, loading, error } = useAsync(
    () =>
      api.getDeployments(entityRef, {
        environment: environment || undefined,
        status: (status || undefined) as Deployment['status'] | undefined,
        cursor,
        limit: PAGE_SIZE,
      }),
    [
      api,
      entityRef.kind,
      entityRef.namespace,
      entityRef.name,
      environment,
      status,
      cursor,
    ],
  );
  const setEnvironment = useCallback((next: string) => {
    setEnvironmentFilter(next);
    setCursors([undefined]);
  }, []);
  const setStatus = useCallback((next: string) => {
    setStatusFilter(next);
    setCursors([undefined]);
  }, []);
  const nextCursor = value?.nextCursor;
  return {
    environment,
    setEnvironment,
    status,
    setStatus,
    deployments: value?.items ?? [],
    loading,
    error,
    hasNewer: cursors.length > 1,
    hasOlder: Boolean(nextCursor),
    newer: () => setCursors(c => c.slice(0, -1)),
    older: () => setCursors(c => [...c, nextCursor]),
  };
}
