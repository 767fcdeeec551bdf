import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { RollupResponse } from '@shiplog/plugin-shiplog-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ShiplogApi, shiplogApiRef } from '../api/ShiplogApi';

/** How long a rollup just fetched may stand in for a new one while that one loads. */
const RECENT_MS = 30_000;

/** The last rollup of each entity, per API instance (so an app's, or a test's, are their own). */
const recent = new WeakMap<
  ShiplogApi,
  Map<string, { value: RollupResponse; at: number }>
>();

function remember(api: ShiplogApi, key: string, value: RollupResponse) {
  let byEntity = recent.get(api);
  if (!byEntity) {
    byEntity = new Map();
    recent.set(api, byEntity);
  }
  byEntity.set(key, { value, at: Date.now() });
}

/**
 * What runs where across the components a System, Group or Domain covers. Fetched on every mount;
 * while that fetch runs, a rollup of the same entity fetched in the last 30 seconds (the overview
 * card's, a moment before its Deployments tab opens) shows instead of a spinner: for a large group the
 * tab's first view then waits on its own render only, not on the request.
 */
export function useRollup(entityRef: CompoundEntityRef) {
  const api = useApi(shiplogApiRef);
  const key = stringifyEntityRef(entityRef);
  // Taken once, at mount: a later fetch replaces it, and it stands only for the entity it is of.
  const [earlier] = useState(() => {
    const last = recent.get(api)?.get(key);
    const fresh = last && Date.now() - last.at < RECENT_MS;
    return { key, value: fresh ? last.value : undefined };
  });
  const state = useAsync(async () => {
    const value = await api.getRollup(entityRef);
    remember(api, key, value);
    return value;
  }, [api, entityRef.kind, entityRef.namespace, entityRef.name]);
  if (state.loading && !state.value && earlier.value && earlier.key === key) {
    return { loading: false, value: earlier.value, error: undefined };
  }
  return state;
}
