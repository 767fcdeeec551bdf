import { Link } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ArgoCdApplicationState,
  shiplogArgocdSyncPermission,
} from '@shiplog/plugin-shiplog-common';
import { useState } from 'react';
import { plural, relativeTime, shortSha } from './format';

const useStyles = makeStyles(theme => ({
  app: {
    marginTop: theme.spacing(1.5),
    paddingTop: theme.spacing(1),
    borderTop: `1px dashed ${theme.palette.divider}`,
  },
  badges: { display: 'flex', gap: theme.spacing(0.5), flexWrap: 'wrap' },
  ok: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  warn: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  bad: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  info: {
    backgroundColor: theme.palette.info.main,
    color: theme.palette.info.contrastText,
  },
  muted: { color: theme.palette.text.secondary },
  mono: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
  drift: { color: theme.palette.warning.dark, fontWeight: 500 },
}));

function useBadgeClass() {
  const classes = useStyles();
  return (status: string) => {
    switch (status) {
      case 'Synced':
      case 'Healthy':
      case 'Succeeded':
        return classes.ok;
      case 'OutOfSync':
      case 'Suspended':
      case 'Missing':
        return classes.warn;
      case 'Degraded':
      case 'Failed':
      case 'Error':
        return classes.bad;
      case 'Progressing':
      case 'Running':
        return classes.info;
      default:
        return undefined;
    }
  };
}

/** The button and its confirmation: a production sync is a deliberate act, and the ledger records who did it. */
function SyncButton({
  app,
  entityRef,
  onSync,
}: {
  app: ArgoCdApplicationState;
  entityRef: string;
  onSync: (app: ArgoCdApplicationState) => Promise<void>;
}) {
  const { allowed, loading } = usePermission({
    permission: shiplogArgocdSyncPermission,
    resourceRef: entityRef,
  });
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const running = app.operation?.phase === 'Running';
  if (loading || !allowed) return null;
  const target = app.declared?.tag;
  const confirm = async () => {
    setBusy(true);
    try {
      await onSync(app);
      alertApi.post({
        message: `Sync of ${app.name} started`,
        severity: 'success',
        display: 'transient',
      });
      setOpen(false);
    } catch (error) {
      alertApi.post({
        message: `Sync of ${app.name} failed: ${(error as Error).message}`,
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        size="small"
        variant={app.sync.status === 'OutOfSync' ? 'contained' : 'outlined'}
        color="primary"
        disabled={running || busy}
        onClick={() => setOpen(true)}
        aria-label={`Sync ${app.name}`}
      >
        {running ? 'Syncing…' : 'Sync'}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>Sync {app.name}?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            Argo CD instance <b>{app.instance}</b> will apply what Git declares
            for <b>{app.environment ?? 'this application'}</b>
            {target ? (
              <>
                : image tag <b>{target}</b>
                {app.version && app.version !== target && (
                  <> (now running {app.version})</>
                )}
              </>
            ) : null}
            . Shiplog records the sync with your name.
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>Cancel</Button>
          <Button
            onClick={confirm}
            color="primary"
            variant="contained"
            disabled={busy}
          >
            Sync now
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** One Argo CD application in an environment column: badges, revision, images, resources, drift against Git. */
export function ArgoCdApplicationSummary({
  app,
  entityRef,
  onSync,
}: {
  app: ArgoCdApplicationState;
  entityRef: string;
  onSync: (app: ArgoCdApplicationState) => Promise<void>;
}) {
  const classes = useStyles();
  const badge = useBadgeClass();
  const revision = app.sync.revisions[app.sync.revisions.length - 1];
  const unhealthy = app.resources?.unhealthy ?? [];
  return (
    <div className={classes.app} data-testid={`argocd-${app.name}`}>
      <Box display="flex" justifyContent="space-between" alignItems="center">
        <Typography variant="caption" className={classes.muted}>
          Argo CD · {app.instance}
          {app.multiSource && ' · multi-source'}
        </Typography>
        {app.url && (
          <Link to={app.url} aria-label={`Open ${app.name} in Argo CD`}>
            <Typography variant="caption">{app.name} ↗</Typography>
          </Link>
        )}
      </Box>
      <div className={classes.badges}>
        <Chip
          size="small"
          label={app.sync.status}
          className={badge(app.sync.status)}
        />
        <Chip
          size="small"
          label={app.health.status}
          className={badge(app.health.status)}
          title={app.health.message}
        />
        {app.operation?.phase === 'Running' && (
          <Chip size="small" label="syncing" className={badge('Running')} />
        )}
        {app.operation && ['Failed', 'Error'].includes(app.operation.phase) && (
          <Tooltip title={app.operation.message ?? ''}>
            <Chip
              size="small"
              label="sync failed"
              className={badge('Failed')}
            />
          </Tooltip>
        )}
      </div>
      {revision && (
        <Typography variant="body2" className={classes.muted}>
          <Tooltip
            title={
              app.revisionMetadata?.message
                ? `${app.revisionMetadata.message} — ${
                    app.revisionMetadata.author ?? ''
                  }`
                : revision
            }
          >
            <span className={classes.mono}>
              {app.multiSource
                ? app.sync.revisions.map(r => shortSha(r)).join(' + ')
                : shortSha(revision)}
            </span>
          </Tooltip>
          {app.lastDeployedAt && (
            <> · synced {relativeTime(app.lastDeployedAt)}</>
          )}
        </Typography>
      )}
      {app.images.length > 0 && (
        <Typography
          variant="body2"
          className={`${classes.muted} ${classes.mono}`}
        >
          {app.images.join(', ')}
        </Typography>
      )}
      {app.gitDrift === 'drifted' && app.declared?.tag && (
        <Typography variant="body2" className={classes.drift}>
          Git declares {app.declared.tag}, running {app.version}
        </Typography>
      )}
      {app.declared?.error && (
        <Typography
          variant="body2"
          className={classes.muted}
          title={app.declared.error}
        >
          Values file unreadable: {app.declared.path}
        </Typography>
      )}
      {app.resources && (
        <Typography variant="body2" className={classes.muted}>
          {plural(app.resources.total, 'resource')}:{' '}
          {Object.entries(app.resources.byHealth)
            .map(([health, count]) => `${count} ${health}`)
            .join(', ')}
        </Typography>
      )}
      {unhealthy.slice(0, 3).map(resource => (
        <Typography
          key={`${resource.kind}/${resource.namespace}/${resource.name}`}
          variant="body2"
          className={classes.drift}
          title={resource.message}
        >
          {resource.kind} {resource.name}: {resource.health}
        </Typography>
      ))}
      {app.resourcesError && (
        <Typography variant="body2" className={classes.muted}>
          Resources unavailable: {app.resourcesError}
        </Typography>
      )}
      {app.manualSync && (
        <Box mt={1}>
          <SyncButton app={app} entityRef={entityRef} onSync={onSync} />
        </Box>
      )}
    </div>
  );
}
