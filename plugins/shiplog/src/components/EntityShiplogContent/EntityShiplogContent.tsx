import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import { isShiplogAvailable } from '../../isShiplogAvailable';
import { AfterPaint } from '../Deferred';
import { PromoteDialog } from '../PromoteDialog';
import { ShiplogEmptyState } from '../ShiplogEmptyState';
import { nextVersionFor } from './defaults';
import { EnvironmentsCard } from './EnvironmentsCard';
import { PromotionsCard } from './PromotionsCard';
import { ReleaseSections } from './ReleaseSections';
import { useLiveTabData } from './useLiveTabData';

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
  const {
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
  } = useLiveTabData(entity);
  const [promoteTo, setPromoteTo] = useState<string | undefined>();

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
          onPromoted={() => {
            setPromoteTo(undefined);
            showOutcome();
          }}
        />
      )}
      {/* The matrix and the releases are what the tab is opened for: promotions follow their paint. */}
      <AfterPaint>
        <PromotionsCard
          entityRef={entityRef}
          updates={updates}
          live={live}
          onDecide={safety.decide}
        />
      </AfterPaint>
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
