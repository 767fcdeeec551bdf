import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { ArgoCdApplicationState } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { relativeTime, shortSha } from '../../utils/format';
import { ArgoCdResources } from './ArgoCdResources';
import { useArgoCdStyles, useBadgeClass } from './styles';
import { SyncButton } from './SyncButton';

function AppHeader({ app }: { app: ArgoCdApplicationState }) {
  const classes = useArgoCdStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <Box display="flex" justifyContent="space-between" alignItems="center">
      <Typography variant="caption" className={classes.muted}>
        {t('argocd.instance', { instance: app.instance })}
        {app.multiSource && t('argocd.multiSource')}
      </Typography>
      {app.url && (
        <Link to={app.url} aria-label={t('argocd.openApp', { name: app.name })}>
          <Typography variant="caption">{app.name} ↗</Typography>
        </Link>
      )}
    </Box>
  );
}

function AppBadges({ app }: { app: ArgoCdApplicationState }) {
  const classes = useArgoCdStyles();
  const badge = useBadgeClass();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const failed =
    app.operation && ['Failed', 'Error'].includes(app.operation.phase);
  return (
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
        <Chip
          size="small"
          label={t('argocd.syncing')}
          className={badge('Running')}
        />
      )}
      {failed && (
        <Tooltip title={app.operation?.message ?? ''}>
          <Chip
            size="small"
            label={t('argocd.syncFailed')}
            className={badge('Failed')}
          />
        </Tooltip>
      )}
    </div>
  );
}

/** The synced revision (commit message on hover) and when it was synced. */
function AppRevision({ app }: { app: ArgoCdApplicationState }) {
  const classes = useArgoCdStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const revision = app.sync.revisions[app.sync.revisions.length - 1];
  if (!revision) return null;
  const metadata = app.revisionMetadata;
  return (
    <Typography variant="body2" className={classes.muted}>
      <Tooltip
        title={
          metadata?.message
            ? `${metadata.message} — ${metadata.author ?? ''}`
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
        <> · {t('argocd.synced', { time: relativeTime(app.lastDeployedAt) })}</>
      )}
    </Typography>
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
  const classes = useArgoCdStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <div className={classes.app} data-testid={`argocd-${app.name}`}>
      <AppHeader app={app} />
      <AppBadges app={app} />
      <AppRevision app={app} />
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
          {t('argocd.gitDrift', {
            declared: app.declared.tag,
            running: app.version ?? '',
          })}
        </Typography>
      )}
      {app.declared?.error && (
        <Typography
          variant="body2"
          className={classes.muted}
          title={app.declared.error}
        >
          {t('argocd.valuesUnreadable', { path: app.declared.path })}
        </Typography>
      )}
      <ArgoCdResources app={app} />
      {app.manualSync && (
        <Box mt={1}>
          <SyncButton app={app} entityRef={entityRef} onSync={onSync} />
        </Box>
      )}
    </div>
  );
}
