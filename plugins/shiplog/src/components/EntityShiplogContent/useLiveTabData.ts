import {
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useCallback, useMemo } from 'react';
import {
  rolloutKey,
  useArgoCdState,
  useEnvironments,
  useReleasePages,
  useSafetyActions,
  useShiplogSignal,
} from '../../hooks';

/**
 * The Deployments tab's data, kept live: one subscription to the entity's signals feeds each part
 * (matrix, Argo CD state, releases, promotions), which refetches only what a signal names.
 */
export function useLiveTabData(entity: Entity) {
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const entityRefString = stringifyEntityRef(entity);
  const { updates, live } = useShiplogSignal(entityRefString);
  const argoCd = useArgoCdState(entity, entityRef, { updates, live });
  // After a hold is released, a promotion decided or made here, the outcome shows at once.
  const showOutcome = useCallback(
    () => updates.emit(['environments', 'promotions']),
    [updates],
  );
  const safety = useSafetyActions(entityRef, showOutcome);
  const environments = useEnvironments(entityRef, {
    updates,
    // Without signals, an Argo CD rollout starting or finishing is the sign the ledger has news.
    refreshKey: live ? undefined : rolloutKey(argoCd.value),
  });
  const releasePages = useReleasePages(entityRef, updates);
  // Stable while the names are: the releases sections render only when their own data changes.
  const namesKey = environments.value?.environments
    .map(env => env.name)
    .join('\n');
  const environmentNames = useMemo(
    () => (namesKey ? namesKey.split('\n') : []),
    [namesKey],
  );
  return {
    entityRef,
    entityRefString,
    updates,
    live,
    argoCd,
    showOutcome,
    safety,
    environments,
    environmentNames,
    releasePages,
  };
}
