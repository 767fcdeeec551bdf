import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  shiplogSignalChannel,
  signalPartsOf,
} from '@shiplog/plugin-shiplog-common';
import { useEffect, useState } from 'react';
import { LiveUpdates } from './liveUpdates';

/**
 * Subscribes once to the backend's signals on `shiplog:<entityRef>` (sent when the entity's ledger,
 * Argo CD state, promotions or holds change) and passes the parts each names to the tab's
 * `updates`, from the socket's own callback: the parts' queries start at once, and no state of the
 * tab changes on the way (no render of the whole tab per signal). `live` is false where the portal
 * has no signals: the tab then keeps polling.
 */
export function useShiplogSignal(entityRef: string): {
  updates: LiveUpdates;
  live: boolean;
} {
  const signals = useApiHolder().get(signalApiRef);
  const [updates] = useState(() => new LiveUpdates());
  useEffect(() => {
    if (!signals) return undefined;
    const { unsubscribe } = signals.subscribe(
      shiplogSignalChannel(entityRef),
      message => updates.emit(signalPartsOf(message)),
    );
    return unsubscribe;
  }, [signals, entityRef, updates]);
  return { updates, live: Boolean(signals) };
}
