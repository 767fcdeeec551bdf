import { useSignal } from '@backstage/plugin-signals-react';
import { useEffect, useState } from 'react';

/**
 * Counts the backend's signals on `shiplog:<entityRef>` (sent when the entity's ledger, Argo CD state
 * or promotions change), so the tab refreshes on news instead of polling. `live` is false where the
 * portal has no signals: the tab then keeps polling.
 */
export function useShiplogSignal(entityRef: string): {
  updateKey: number;
  live: boolean;
} {
  const { lastSignal, isSignalsAvailable } = useSignal(`shiplog:${entityRef}`);
  const [updateKey, setUpdateKey] = useState(0);
  useEffect(() => {
    if (lastSignal) setUpdateKey(key => key + 1);
  }, [lastSignal]);
  return { updateKey, live: isSignalsAvailable };
}
