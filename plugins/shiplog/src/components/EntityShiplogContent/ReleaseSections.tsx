import { memo } from 'react';
import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Grid from '@material-ui/core/Grid';
import { Release } from '@shiplog/plugin-shiplog-common';
import { useReleasePages } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { CompareReleases } from '../CompareReleases';
import { AfterPaint } from '../Deferred';
import { DeploymentHistory } from '../DeploymentHistory';
import { ReleaseList } from '../ReleaseList';
import { compareDefaults } from './defaults';

/**
 * Releases (paged), the deployment history and the compare card of the tab. Memoized: the largest part
 * of the tab renders only when the releases change, not on every live update of the matrix.
 */
export const ReleaseSections = memo(function ReleaseSectionsView(props: {
  entityRef: CompoundEntityRef;
  /** Every release loaded so far, newest first. */
  releases: Release[];
  releasePages: ReturnType<typeof useReleasePages>;
  environments: string[];
  /** What the last environment runs, compared with the newest release by default. */
  productionVersion?: string;
}) {
  const { entityRef, releases, releasePages } = props;
  const environmentNames = props.environments;
  const { t } = useTranslationRef(shiplogTranslationRef);
  const versions = releases.map(r => r.version);
  return (
    <>
      <Grid item xs={12}>
        {releasePages.loadMoreError && (
          <ResponseErrorPanel error={releasePages.loadMoreError} />
        )}
        <ReleaseList
          releases={releases}
          environments={environmentNames}
          loading={releasePages.loadingMore}
          hasMore={releasePages.hasMore}
          onLoadMore={releasePages.loadMore}
        />
      </Grid>
      {/* Below the releases: history and compare render (and fetch) once the releases are painted. */}
      <AfterPaint>
        <Grid item xs={12} lg={7}>
          <InfoCard title={t('content.historyTitle')}>
            <DeploymentHistory
              entityRef={entityRef}
              environments={environmentNames}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12} lg={5}>
          <InfoCard
            title={t('content.compareTitle')}
            subheader={t('content.compareSubheader')}
          >
            <CompareReleases
              entityRef={entityRef}
              versions={versions}
              {...compareDefaults(versions, props.productionVersion)}
            />
          </InfoCard>
        </Grid>
      </AfterPaint>
    </>
  );
});
