import { memo } from 'react';
import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  ArgoCdApplicationState,
  ArgoCdStateResponse,
  EnvironmentsResponse,
} from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import {
  ArgoCdApplicationSummary,
  ArgoCdInstanceAlerts,
} from '../ArgoCdStatus';
import { CommitList } from '../CommitList';
import { EnvironmentMatrix } from '../EnvironmentMatrix';
import { PromoteButton } from '../PromoteDialog';

const useStyles = makeStyles(
  theme => ({ alert: { marginBottom: theme.spacing(2) } }),
  { name: 'ShiplogEnvironmentsCard' },
);

/**
 * The Environments card: undeployed commits, Argo CD problems, the matrix with live state and Promote.
 * Memoized: it renders when the matrix or the Argo CD state changes, not when the releases do.
 */
export const EnvironmentsCard = memo(function EnvironmentsCardView(props: {
  /** The entity's reference, `component:default/checkout`. */
  entityRef: string;
  environments: EnvironmentsResponse;
  argoCd: {
    value?: ArgoCdStateResponse;
    error?: Error;
    sync: (app: ArgoCdApplicationState) => Promise<void>;
  };
  onPromote: (environment: string) => void;
  /** Releases an environment's hold (the backend checks shiplog.environment.hold). */
  onReleaseHold?: (environment: string) => void;
}) {
  const { entityRef, environments, argoCd } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { undeployed } = environments;
  const names = environments.environments.map(env => env.name);
  /** The entity's Argo CD applications that match, as summaries (in a column, or below for unknown environments). */
  const argoApps = (which: (app: ArgoCdApplicationState) => boolean) =>
    argoCd.value?.applications
      .filter(which)
      .map(app => (
        <ArgoCdApplicationSummary
          key={`${app.instance}/${app.namespace}/${app.name}`}
          app={app}
          entityRef={entityRef}
          onSync={argoCd.sync}
        />
      ));
  return (
    <InfoCard
      title={t('content.environmentsTitle')}
      subheader={t('content.environmentsSubheader')}
    >
      {undeployed.commitCount > 0 && (
        <Alert severity="warning" className={classes.alert}>
          {t('content.undeployed', {
            commits: t('counts.commit', { count: undeployed.commitCount }),
          })}
          <CommitList
            commits={undeployed.commits.slice(0, 5)}
            total={undeployed.commitCount}
          />
        </Alert>
      )}
      <ArgoCdInstanceAlerts state={argoCd.value} error={argoCd.error} />
      <EnvironmentMatrix
        environments={environments.environments}
        onReleaseHold={props.onReleaseHold}
        footer={env => (
          <>
            {argoApps(app => app.environment === env.name)}
            <PromoteButton
              entityRef={entityRef}
              environment={env.name}
              onClick={() => props.onPromote(env.name)}
            />
          </>
        )}
      />
      {argoApps(app => !app.environment || !names.includes(app.environment))}
    </InfoCard>
  );
});
