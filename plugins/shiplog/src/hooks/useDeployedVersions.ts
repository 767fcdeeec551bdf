import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EnvironmentsResponse } from '@shiplog/plugin-shiplog-common';
import useAsync from 'react-use/esm/useAsync';
import { ShiplogApi, shiplogApiRef } from '../api/ShiplogApi';

/** How long a row's matrix is reused: every environment column of a row asks, and pages are revisited. */
const TTL_MS = 30_000;

const cache = new WeakMap<
  ShiplogApi,
  Map<string, { at: number; value: Promise<EnvironmentsResponse | undefined> }>
>();

/** One request per component for all its environment columns; a component Shiplog does not know shows nothing. */
function environmentsOf(
  api: ShiplogApi,
  entityRef: CompoundEntityRef,
): Promise<EnvironmentsResponse | undefined> {
  const entries = cache.get(api) ?? new Map();
  cache.set(api, entries);
  const key = stringifyEntityRef(entityRef);
  const entry = entries.get(key);
  if (entry && Date.now() - entry.at < TTL_MS) {
    return entry.value;
  }
  const value = api.getEnvironments(entityRef).catch(() => {
    // A failed request is not remembered: the next row render asks again.
    entries.delete(key);
    return undefined;
  });
  entries.set(key, { at: Date.now(), value });
  return value;
}

/** What runs in each environment of a catalog row's component. */
export function useDeployedVersions(entityRef: CompoundEntityRef) {
  const api = useApi(shiplogApiRef);
  return useAsync(
    () => environmentsOf(api, entityRef),
    [api, entityRef.kind, entityRef.namespace, entityRef.name],
  );
}
