import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import {
  ArgoCdApplicationState,
  shiplogArgocdSyncPermission,
} from '@shiplog/plugin-shiplog-common';
import { useState } from 'react';
import { shiplogTranslationRef } from '../../translation';

/** What a sync will apply: the instance, the environment and the image tag Git declares. */
function SyncExplanation({ app }: { app: ArgoCdApplicationState }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const target = app.declared?.tag;
  const values = {
    instance: <b>{app.instance}</b>,
    environment: <b>{app.environment ?? t('argocd.thisApplication')}</b>,
    tag: <b>{target}</b>,
    version: app.version ?? '',
  };
  if (!target) return <>{t('argocd.syncExplanation', values)}</>;
  if (app.version && app.version !== target) {
    return <>{t('argocd.syncExplanationTagRunning', values)}</>;
  }
  return <>{t('argocd.syncExplanationTag', values)}</>;
}

/** The button and its confirmation: a production sync is a deliberate act, and the ledger records who did it. */
export function SyncButton({
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
  const { t } = useTranslationRef(shiplogTranslationRef);
  const alertApi = useApi(alertApiRef);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const running = app.operation?.phase === 'Running';
  if (loading || !allowed) return null;
  const confirm = async () => {
    setBusy(true);
    try {
      await onSync(app);
      alertApi.post({
        message: t('argocd.syncStarted', { name: app.name }),
        severity: 'success',
        display: 'transient',
      });
      setOpen(false);
    } catch (error) {
      alertApi.post({
        message: t('argocd.syncError', {
          name: app.name,
          message: (error as Error).message,
        }),
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
        aria-label={t('argocd.syncLabel', { name: app.name })}
      >
        {running ? t('argocd.syncRunning') : t('argocd.sync')}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)}>
        <DialogTitle>{t('argocd.syncTitle', { name: app.name })}</DialogTitle>
        <DialogContent>
          <DialogContentText>
            <SyncExplanation app={app} />
          </DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)}>{t('argocd.cancel')}</Button>
          <Button
            onClick={confirm}
            color="primary"
            variant="contained"
            disabled={busy}
          >
            {t('argocd.syncNow')}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
