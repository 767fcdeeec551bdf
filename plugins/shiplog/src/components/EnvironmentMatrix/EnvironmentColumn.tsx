import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Paper from '@material-ui/core/Paper';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { ReactNode } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { exactTime, relativeTime, shortSha } from '../../utils/format';
import { StatusIndicator } from '../StatusIndicator';
import { SafetyChips } from './SafetyChips';
import { useDriftDescription } from './useDriftDescription';

const useStyles = makeStyles(
  theme => ({
    column: {
      padding: theme.spacing(2),
      height: '100%',
      borderTop: `4px solid ${theme.palette.divider}`,
    },
    failed: { borderTopColor: theme.palette.error.main },
    succeeded: { borderTopColor: theme.palette.success.main },
    inProgress: { borderTopColor: theme.palette.info.main },
    version: {
      fontFamily: 'monospace',
      fontWeight: 600,
      wordBreak: 'break-all',
    },
    drift: { color: theme.palette.warning.dark, fontWeight: 500 },
    muted: { color: theme.palette.text.secondary },
    chips: {
      display: 'flex',
      gap: theme.spacing(0.5),
      flexWrap: 'wrap',
      marginTop: theme.spacing(1),
    },
  }),
  { name: 'ShiplogEnvironmentColumn' },
);

/** What runs in the environment: version, since when, by whom, and the run that deployed it. */
function CurrentDeployment({ env }: { env: EnvironmentStatus }) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { current } = env;
  if (!current) {
    return (
      <Typography variant="h6" className={classes.muted}>
        {t('environment.nothingDeployed')}
      </Typography>
    );
  }
  return (
    <>
      <Typography variant="h5" className={classes.version}>
        {current.version}
      </Typography>
      <Typography variant="body2" className={classes.muted}>
        {current.commitSha && (
          <span title={current.commitSha}>
            {shortSha(current.commitSha)} ·{' '}
          </span>
        )}
        <Tooltip title={exactTime(current.at)}>
          <span>
            {t('environment.since', { time: relativeTime(current.at) })}
          </span>
        </Tooltip>
        {current.actor && (
          <> {t('environment.byActor', { actor: current.actor })}</>
        )}
      </Typography>
      {current.runUrl && (
        <Typography variant="body2">
          <Link to={current.runUrl}>{t('environment.deploymentRun')}</Link>
        </Typography>
      )}
    </>
  );
}

function LastAttempt({
  lastAttempt,
}: {
  lastAttempt: NonNullable<EnvironmentStatus['lastAttempt']>;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <Typography
      variant="body2"
      className={
        lastAttempt.status === 'failed' ? classes.drift : classes.muted
      }
    >
      {t('environment.lastAttempt', {
        version: lastAttempt.version,
        status: lastAttempt.status.replace('_', ' '),
        time: relativeTime(lastAttempt.at),
      })}
      {lastAttempt.runUrl && (
        <>
          {' '}
          (<Link to={lastAttempt.runUrl}>{t('environment.run')}</Link>)
        </>
      )}
    </Typography>
  );
}

function PolicyChips({
  env,
  onReleaseHold,
}: {
  env: EnvironmentStatus;
  onReleaseHold?: () => void;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <div className={classes.chips}>
      <SafetyChips env={env} onReleaseHold={onReleaseHold} />
      {env.current?.rollback && (
        <Chip
          size="small"
          color="secondary"
          label={t('environment.rolledBack')}
        />
      )}
      {env.policy.sync === 'manual' && (
        <Chip
          size="small"
          variant="outlined"
          label={t('environment.manualSync')}
        />
      )}
      {env.policy.requiresApproval && (
        <Chip
          size="small"
          variant="outlined"
          label={t('environment.approval')}
        />
      )}
      {env.policy.autoPromote && (
        <Chip
          size="small"
          variant="outlined"
          label={t('environment.autoPromote')}
        />
      )}
    </div>
  );
}

/** One environment's column: what runs, the last attempt, drift, policy; `footer` adds live state or actions. */
export function EnvironmentColumn({
  env,
  footer,
  onReleaseHold,
}: {
  env: EnvironmentStatus;
  footer?: ReactNode;
  /** Releases the environment's hold; absent where that is not offered. */
  onReleaseHold?: () => void;
}) {
  const classes = useStyles();
  const describeDrift = useDriftDescription();
  const drift = describeDrift(env);
  const accent =
    (env.status === 'failed' && classes.failed) ||
    (env.status === 'succeeded' && classes.succeeded) ||
    (env.status === 'in_progress' && classes.inProgress) ||
    '';
  return (
    <Paper
      variant="outlined"
      className={`${classes.column} ${accent}`}
      data-testid={`environment-${env.name}`}
    >
      <Typography variant="overline">{env.name}</Typography>
      <CurrentDeployment env={env} />
      <Box mt={1}>
        <StatusIndicator status={env.status} />
      </Box>
      {env.lastAttempt && <LastAttempt lastAttempt={env.lastAttempt} />}
      {drift && (
        <Typography variant="body2" className={classes.drift}>
          {drift}
        </Typography>
      )}
      <PolicyChips env={env} onReleaseHold={onReleaseHold} />
      {footer}
    </Paper>
  );
}
