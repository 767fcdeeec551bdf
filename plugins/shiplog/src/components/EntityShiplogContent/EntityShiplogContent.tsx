import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { useCallback, useMemo, useState } from 'react';
import {
  rolloutKey,
  useArgoCdState,
  useEnvironments,
  useReleasePages,
  useSafetyActions,
  useShiplogSignal,
} from '../../hooks';
import { isShiplogAvailable } from '../../isShiplogAvailable';
import { PromoteDialog } from '../PromoteDialog';
import { ShiplogEmptyState } from '../ShiplogEmptyState';
import { nextVersionFor } from './defaults';
import { EnvironmentsCard } from './EnvironmentsCard';
import { PromotionsCard } from './PromotionsCard';
import { ReleaseSections } from './ReleaseSections';

/**
 * The Deployments tab: environments, releases, history and compare for the current entity.
 * Keyed by the entity, so switching entities starts from a clean state (filters, cursors, results).
 */
export function EntityShiplogContent() {
  const { entity } = useEntity();
  return <ShiplogContent key={stringifyEntityRef(entity)} />;
}

function ShiplogContent() {
  const { entity } = useEntity();
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const entityRefString = stringifyEntityRef(entity);
  // The backend signals each change of the entity's ledger, Argo CD state or promotions.
  const updates = useShiplogSignal(entityRefString);
  const argoCd = useArgoCdState(entity, entityRef, updates);
  // When Argo CD shows a rollout start or finish, or a signal says so, the ledger has news: refresh the matrix quietly.
  // Bumped after a hold is released or a promotion decided, to show the outcome at once.
  const [safetyKey, setSafetyKey] = useState(0);
  const bumpSafetyKey = useCallback(() => setSafetyKey(k => k + 1), []);
  const safety = useSafetyActions(entityRef, bumpSafetyKey);
  const environments = useEnvironments(entityRef, {
    refreshKey: `${rolloutKey(argoCd.value)}|${updates.updateKey}|${safetyKey}`,
  });
  const releasePages = useReleasePages(entityRef);
  const [promoteTo, setPromoteTo] = useState<string | undefined>();
  const [lastPromotion, setLastPromotion] = useState<string | undefined>();

  if (environments.loading || releasePages.loading) return <Progress />;
  const error = environments.error ?? releasePages.error;
  if (error) return <ResponseErrorPanel error={error} />;
  const { value } = environments;
  const { releases } = releasePages;
  if (!value || !releases) return null;

  const anyEvents =
    releases.length > 0 ||
    value.environments.some(env => env.status !== 'never_deployed');
  if (!anyEvents) {
    return (
      <ShiplogEmptyState
        entityName={entity.metadata.name}
        entityRef={entityRefString}
        annotated={isShiplogAvailable(entity)}
      />
    );
  }
  const environmentNames = value.environments.map(env => env.name);
  const versions = releases.map(r => r.version);
  const production = value.environments[value.environments.length - 1];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EnvironmentsCard
          entityRef={entityRefString}
          environments={value}
          argoCd={argoCd}
          onPromote={setPromoteTo}
          onReleaseHold={safety.releaseHold}
        />
        {safety.error && <ResponseErrorPanel error={safety.error} />}
      </Grid>
      {promoteTo && (
        <PromoteDialog
          open
          entityRef={entityRef}
          environment={promoteTo}
          versions={versions}
          defaultVersion={nextVersionFor(value.environments, promoteTo)}
          onClose={() => setPromoteTo(undefined)}
          onPromoted={promotion => {
            setPromoteTo(undefined);
            setLastPromotion(promotion.id);
          }}
        />
      )}
      <PromotionsCard
        entityRef={entityRef}
        refreshKey={`${lastPromotion}|${updates.updateKey}|${safetyKey}`}
        onDecide={safety.decide}
      />
      <ReleaseSections
        entityRef={entityRef}
        releases={releases}
        releasePages={releasePages}
        environments={environmentNames}
        productionVersion={production?.current?.version}
      />
    </Grid>
  );
}
