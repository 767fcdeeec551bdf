import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { isPromotionInFlight } from '@shiplog/plugin-shiplog-common';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { shiplogApiRef } from '../api/ShiplogApi';

const POLL_MS = 5000;
const LIMIT = 10;

/**
 * The entity's latest promotions, newest first, polled while any is in flight.
 * `refreshKey` changes when a promotion was just made, to show it at once.
 */
export function usePromotions(
  entityRef: CompoundEntityRef,
  refreshKey?: string,
) {
  const api = useApi(shiplogApiRef);
  const [tick, setTick] = useState(0);
  const state = useAsyncRetry(
    () => api.getPromotions(entityRef, { limit: LIMIT }),
    [api, entityRef.kind, entityRef.namespace, entityRef.name, refreshKey],
  );
  const { value, retry } = state;
  const inFlight = value?.items.some(p => isPromotionInFlight(p.state));
  useEffect(() => {
    if (!inFlight) return undefined;
    const timer = setTimeout(() => {
      setTick(t => t + 1);
      retry();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [inFlight, tick, retry]);
  return { promotions: value?.items ?? [], error: state.error };
}
