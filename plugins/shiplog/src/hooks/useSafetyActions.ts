import { CompoundEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useCallback, useState } from 'react';
import { PromotionDecisionKind, shiplogApiRef } from '../api/ShiplogApi';

/**
 * The safety net's actions on an entity (release a hold, approve, reject or cancel a promotion),
 * keeping whether one is under way and why the last one failed; `onDone` refreshes what shows them.
 */
export function useSafetyActions(
  entityRef: CompoundEntityRef,
  onDone: () => void,
) {
  const api = useApi(shiplogApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | undefined>();
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      setBusy(true);
      setError(undefined);
      try {
        await action();
        onDone();
      } catch (e) {
        setError(e as Error);
      } finally {
        setBusy(false);
      }
    },
    [onDone],
  );
  const releaseHold = useCallback(
    (environment: string) =>
      run(() => api.releaseEnvironmentHold(entityRef, environment)),
    [api, entityRef, run],
  );
  const decide = useCallback(
    (promotionId: string, decision: PromotionDecisionKind, comment?: string) =>
      run(() => api.decidePromotion(entityRef, promotionId, decision, comment)),
    [api, entityRef, run],
  );
  return { releaseHold, decide, busy, error };
}
