import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import {
  ArgoCdApplicationState,
  EnvironmentsResponse,
  EnvironmentStatus,
  Release,
} from '@shiplog/plugin-shiplog-common';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { isShiplogAvailable } from '../isShiplogAvailable';
import { CommitList } from './CommitList';
import { CompareReleases } from './CompareReleases';
import { DeploymentHistory } from './DeploymentHistory';
import { ArgoCdApplicationSummary } from './ArgoCdStatus';
import { EnvironmentMatrix } from './EnvironmentMatrix';
import { plural } from './format';
import { PromoteButton, PromoteDialog } from './PromoteDialog';
import { PromotionList } from './PromotionList';
import { ReleaseList } from './ReleaseList';
import { ShiplogEmptyState } from './ShiplogEmptyState';
import { useArgoCdState } from './useArgoCdState';

const RELEASES_PAGE = 20;

/** Compare what production runs with the newest release, when both are listed and differ. */
function compareDefaults(versions: string[], running: string | undefined) {
  const to = versions[0];
  const from =
    running && running !== to && versions.includes(running)
      ? running
      : versions[1];
  return { defaultFrom: from, defaultTo: to };
}

/** What to offer first when promoting to an environment: what the environment before it runs. */
function nextVersionFor(
  environments: EnvironmentStatus[],
  target: string,
): string | undefined {
  const index = environments.findIndex(env => env.name === target);
  return index > 0 ? environments[index - 1].current?.version : undefined;
}

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
  const api = useApi(shiplogApiRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const [olderReleases, setOlderReleases] = useState<Release[]>([]);
  const [releasesCursor, setReleasesCursor] = useState<string | undefined>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<Error | undefined>();
  const argo = useArgoCdState(entity, entityRef);
  const [liveEnvironments, setLiveEnvironments] =
    useState<EnvironmentsResponse>();
  // When Argo CD shows a rollout start or finish, the ledger has news too: refresh the matrix quietly.
  const rollouts = argo.value?.applications
    .map(
      app =>
        `${app.name}:${app.version}:${app.operation?.phase}:${app.operation?.finishedAt}`,
    )
    .join('|');
  const seenRollouts = useRef<string | undefined>();
  useEffect(() => {
    if (rollouts === undefined) return undefined;
    const previous = seenRollouts.current;
    seenRollouts.current = rollouts;
    if (previous === undefined || previous === rollouts) return undefined;
    let cancelled = false;
    api
      .getEnvironments(entityRef)
      .then(fresh => {
        if (!cancelled) setLiveEnvironments(fresh);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, entityRef, rollouts]);
  const [promoteTo, setPromoteTo] = useState<string | undefined>();
  const [lastPromotion, setLastPromotion] = useState<string | undefined>();

  const { value, loading, error } = useAsync(async () => {
    const [environments, releases] = await Promise.all([
      api.getEnvironments(entityRef),
      api.getReleases(entityRef, { limit: RELEASES_PAGE }),
    ]);
    setOlderReleases([]);
    setReleasesCursor(releases.nextCursor);
    return { environments, releases };
  }, [api, entityRef.kind, entityRef.namespace, entityRef.name]);

  const loadMore = useCallback(async () => {
    if (!releasesCursor) return;
    setLoadingMore(true);
    try {
      const page = await api.getReleases(entityRef, {
        limit: RELEASES_PAGE,
        cursor: releasesCursor,
      });
      setOlderReleases(previous => [...previous, ...page.items]);
      setReleasesCursor(page.nextCursor);
      setLoadMoreError(undefined);
    } catch (e) {
      setLoadMoreError(e as Error);
    } finally {
      setLoadingMore(false);
    }
  }, [api, entityRef, releasesCursor]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;

  const { releases } = value;
  const environments = liveEnvironments ?? value.environments;
  const allReleases = [...releases.items, ...olderReleases];
  const anyEvents =
    allReleases.length > 0 ||
    environments.environments.some(env => env.status !== 'never_deployed');
  if (!anyEvents) {
    return (
      <ShiplogEmptyState
        entityName={entity.metadata.name}
        entityRef={stringifyEntityRef(entity)}
        annotated={isShiplogAvailable(entity)}
      />
    );
  }
  const environmentNames = environments.environments.map(env => env.name);
  const production =
    environments.environments[environments.environments.length - 1];
  const { undeployed } = environments;
  /** The entity's Argo CD applications that match, as summaries (in a column, or below for unknown environments). */
  const argoApps = (which: (app: ArgoCdApplicationState) => boolean) =>
    argo.value?.applications
      .filter(which)
      .map(app => (
        <ArgoCdApplicationSummary
          key={`${app.instance}/${app.namespace}/${app.name}`}
          app={app}
          entityRef={stringifyEntityRef(entity)}
          onSync={argo.sync}
        />
      ));

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Environments"
          subheader="What runs where, since when, and how far each environment is behind the one before it"
        >
          {undeployed.commitCount > 0 && (
            <Alert severity="warning" style={{ marginBottom: 16 }}>
              {plural(undeployed.commitCount, 'commit')} merged but not deployed
              anywhere
              <CommitList
                commits={undeployed.commits.slice(0, 5)}
                total={undeployed.commitCount}
              />
            </Alert>
          )}
          {argo.error && (
            <Alert severity="error" style={{ marginBottom: 16 }}>
              Live Argo CD state is unavailable: {argo.error.message}
            </Alert>
          )}
          {argo.value?.instances
            .filter(instance => instance.status === 'error')
            .map(instance => (
              <Alert
                key={instance.name}
                severity="warning"
                style={{ marginBottom: 16 }}
              >
                Argo CD instance {instance.name} is not answering; its
                applications are not shown. {instance.error}
              </Alert>
            ))}
          <EnvironmentMatrix
            environments={environments.environments}
            footer={env => (
              <>
                {argoApps(app => app.environment === env.name)}
                <PromoteButton onClick={() => setPromoteTo(env.name)} />
              </>
            )}
          />
          {argoApps(
            app =>
              !app.environment || !environmentNames.includes(app.environment),
          )}
        </InfoCard>
      </Grid>
      {promoteTo && (
        <PromoteDialog
          open
          entityRef={entityRef}
          environment={promoteTo}
          versions={allReleases.map(r => r.version)}
          defaultVersion={nextVersionFor(environments.environments, promoteTo)}
          onClose={() => setPromoteTo(undefined)}
          onPromoted={promotion => {
            setPromoteTo(undefined);
            setLastPromotion(promotion.id);
          }}
        />
      )}
      <Grid item xs={12}>
        <InfoCard
          title="Promotions"
          subheader="Each promotion's GitOps change, from the pull request to the deployment"
        >
          <PromotionList entityRef={entityRef} refreshKey={lastPromotion} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {loadMoreError && <ResponseErrorPanel error={loadMoreError} />}
        <ReleaseList
          releases={allReleases}
          environments={environmentNames}
          loading={loadingMore}
          hasMore={Boolean(releasesCursor)}
          onLoadMore={loadMore}
        />
      </Grid>
      <Grid item xs={12} lg={7}>
        <InfoCard title="History">
          <DeploymentHistory
            entityRef={entityRef}
            environments={environmentNames}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={5}>
        <InfoCard
          title="Compare releases"
          subheader="Commits and pull requests between two versions"
        >
          <CompareReleases
            entityRef={entityRef}
            versions={allReleases.map(r => r.version)}
            {...compareDefaults(
              allReleases.map(r => r.version),
              production?.current?.version,
            )}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
