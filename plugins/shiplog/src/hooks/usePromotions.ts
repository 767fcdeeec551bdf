import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { isPromotionInFlight } from '@shiplog/plugin-shiplog-common';
import { useEffect, useRef } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { LiveUpdates, useLiveRefresh } from './liveUpdates';
import { useQuietRefresh } from './useQuietRefresh';

const POLL_MS = 5000;
/** With signals every step of a promotion is announced; the poll is only a safety net. */
const SIGNALLED_POLL_MS = 60_000;
const LIMIT = 10;

/**
 * The entity's latest promotions, newest first: fetched again quietly when `updates` says the
 * promotions changed or `refreshKey` changes (a promotion was just made), and polled while any is in
 * flight (slowly when `live`, where signals announce each step).
 */
export function usePromotions(
  entityRef: CompoundEntityRef,
  options: { refreshKey?: string; updates?: LiveUpdates; live?: boolean } = {},
) {
  const api = useApi(shiplogApiRef);
  const { refreshKey, live } = options;
  const initial = useAsync(
    () => api.getPromotions(entityRef, { limit: LIMIT }),
    [api, entityRef.kind, entityRef.namespace, entityRef.name],
  );
  const fresh = useQuietRefresh(
    () => api.getPromotions(entityRef, { limit: LIMIT }),
    { deferred: true },
  );
  const { run } = fresh;
  useLiveRefresh(options.updates, 'promotions', run);
  const seenKey = useRef(refreshKey);
  useEffect(() => {
    if (seenKey.current === refreshKey) return;
    seenKey.current = refreshKey;
    run();
  }, [run, refreshKey]);
  const value = fresh.value ?? initial.value;
  const inFlight = value?.items.some(p => isPromotionInFlight(p.state));
  useEffect(() => {
    if (!inFlight) return undefined;
    const timer = setInterval(run, live ? SIGNALLED_POLL_MS : POLL_MS);
    return () => clearInterval(timer);
  }, [inFlight, live, run]);
  return {
    promotions: value?.items ?? [],
    error: fresh.value ? undefined : initial.error,
  };
}
