import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

/** The commits, pull requests and releases between two versions; nothing is fetched for one version. */
export function useChangelog(
  entityRef: CompoundEntityRef,
  from: string,
  to: string,
) {
  const api = useApi(shiplogApiRef);
  return useAsync(
    async () =>
      from && to && from !== to
        ? api.getChangelog(entityRef, from, to)
        : undefined,
    [api, entityRef.kind, entityRef.namespace, entityRef.name, from, to],
  );
}
