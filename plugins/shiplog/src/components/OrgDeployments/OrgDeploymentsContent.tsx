import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import { useMemo } from 'react';
import { useRollup } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { AfterPaint } from '../Deferred';
import { DoraCard } from '../DoraCard';
import { RollupTable } from './RollupTable';

/** The Deployments tab of a System, Group or Domain: what runs where across its components, and DORA. */
export function OrgDeploymentsContent() {
  const { entity } = useEntity();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useRollup(entityRef);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title={t('orgViews.title', {
            name: entity.metadata.title ?? entity.metadata.name,
          })}
          subheader={t('orgViews.subheader')}
        >
          {loading && <Progress />}
          {error && <ResponseErrorPanel error={error} />}
          {value && <RollupTable rollup={value} />}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {/* Below the table: it renders (and fetches) once the table's frame is painted. */}
        <AfterPaint>
          <DoraCard />
        </AfterPaint>
      </Grid>
    </Grid>
  );
}
