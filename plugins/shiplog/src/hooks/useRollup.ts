import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

/** What runs where across the components a System, Group or Domain covers. */
export function useRollup(entityRef: CompoundEntityRef) {
  const api = useApi(shiplogApiRef);
  return useAsync(
    () => api.getRollup(entityRef),
    [api, entityRef.kind, entityRef.namespace, entityRef.name],
  );
}
