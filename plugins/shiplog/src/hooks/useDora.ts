import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';

const DAY_MS = 24 * 60 * 60 * 1000;

/** DORA metrics of the components an entity covers over the last `days` days (whole days, UTC). */
export function useDora(entityRef: CompoundEntityRef, days: number) {
  const api = useApi(shiplogApiRef);
  return useAsync(() => {
    // Whole days, so a re-render a second later asks for the same window.
    const to = Math.ceil(Date.now() / DAY_MS) * DAY_MS;
    return api.getDora(entityRef, {
      from: new Date(to - days * DAY_MS).toISOString(),
      to: new Date(to).toISOString(),
    });
  }, [api, entityRef.kind, entityRef.namespace, entityRef.name, days]);
}
