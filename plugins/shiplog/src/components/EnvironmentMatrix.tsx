import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { ReactNode } from 'react';
import { describeDrift } from './drift';
import { exactTime, relativeTime, shortSha } from './format';
import { StatusIndicator } from './StatusIndicator';

const useStyles = makeStyles(theme => ({
  column: {
    padding: theme.spacing(2),
    height: '100%',
    borderTop: `4px solid ${theme.palette.divider}`,
  },
  failed: { borderTopColor: theme.palette.error.main },
  succeeded: { borderTopColor: theme.palette.success.main },
  inProgress: { borderTopColor: theme.palette.info.main },
  version: { fontFamily: 'monospace', fontWeight: 600, wordBreak: 'break-all' },
  drift: { color: theme.palette.warning.dark, fontWeight: 500 },
  muted: { color: theme.palette.text.secondary },
  chips: {
    display: 'flex',
    gap: theme.spacing(0.5),
    flexWrap: 'wrap',
    marginTop: theme.spacing(1),
  },
}));

function EnvironmentColumn({
  env,
  footer,
}: {
  env: EnvironmentStatus;
  footer?: ReactNode;
}) {
  const classes = useStyles();
  const { current, lastAttempt } = env;
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
      {current ? (
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
              <span>since {relativeTime(current.at)}</span>
            </Tooltip>
            {current.actor && <> by {current.actor}</>}
          </Typography>
          {current.runUrl && (
            <Typography variant="body2">
              <Link to={current.runUrl}>deployment run</Link>
            </Typography>
          )}
        </>
      ) : (
        <Typography variant="h6" className={classes.muted}>
          Nothing deployed
        </Typography>
      )}
      <Box mt={1}>
        <StatusIndicator status={env.status} />
      </Box>
      {lastAttempt && (
        <Typography
          variant="body2"
          className={
            lastAttempt.status === 'failed' ? classes.drift : classes.muted
          }
        >
          Last attempt: {lastAttempt.version}{' '}
          {lastAttempt.status.replace('_', ' ')} {relativeTime(lastAttempt.at)}
          {lastAttempt.runUrl && (
            <>
              {' '}
              (<Link to={lastAttempt.runUrl}>run</Link>)
            </>
          )}
        </Typography>
      )}
      {drift && (
        <Typography variant="body2" className={classes.drift}>
          {drift}
        </Typography>
      )}
      <div className={classes.chips}>
        {current?.rollback && (
          <Chip size="small" color="secondary" label="rolled back" />
        )}
        {env.policy.sync === 'manual' && (
          <Chip size="small" variant="outlined" label="manual sync" />
        )}
        {env.policy.requiresApproval && (
          <Chip size="small" variant="outlined" label="approval" />
        )}
        {env.policy.autoPromote && (
          <Chip size="small" variant="outlined" label="auto-promote" />
        )}
      </div>
      {footer}
    </Paper>
  );
}

/** One column per environment, in promotion order; `footer` adds live state (Argo CD) or actions to a column. */
export function EnvironmentMatrix({
  environments,
  footer,
}: {
  environments: EnvironmentStatus[];
  footer?: (environment: EnvironmentStatus) => ReactNode;
}) {
  return (
    <Grid container spacing={2} alignItems="stretch">
      {environments.map(env => (
        <Grid
          item
          xs={12}
          sm={6}
          md={
            Math.max(3, Math.floor(12 / Math.max(environments.length, 1))) as
              | 3
              | 4
              | 6
              | 12
          }
          key={env.name}
        >
          <EnvironmentColumn env={env} footer={footer?.(env)} />
        </Grid>
      ))}
    </Grid>
  );
}
