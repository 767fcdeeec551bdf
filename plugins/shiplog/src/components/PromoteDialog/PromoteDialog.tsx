import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { Promotion } from '@shiplog/plugin-shiplog-common';
import { useCreatePromotion, usePromotionPreview } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { PromoteForm } from './PromoteForm';
import { PromotionPreviewBody } from './PromotionPreviewBody';
import { SafetyOptions } from './SafetyOptions';
import { usePromoteChoices } from './usePromoteChoices';

const useStyles = makeStyles(
  theme => ({ error: { marginTop: theme.spacing(2) } }),
  { name: 'ShiplogPromoteDialog' },
);

/**
 * Promote a version to an environment: pick the version, see the changelog and every guard's verdict
 * (a dry run on the backend), then confirm.
 */
export function PromoteDialog(props: {
  entityRef: CompoundEntityRef;
  environment: string;
  /** Releases, newest first. */
  versions: string[];
  defaultVersion?: string;
  open: boolean;
  onClose: () => void;
  onPromoted: (promotion: Promotion) => void;
}) {
  const { entityRef, environment, onPromoted } = props;
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const choices = usePromoteChoices(
    props.defaultVersion ?? props.versions[0] ?? '',
  );
  const { version, rollback, overrideFreeze } = choices;
  const preview = usePromotionPreview(entityRef, {
    version,
    environment,
    rollback,
    overrideFreeze,
    enabled: props.open,
  });
  const { promote, submitting, error } = useCreatePromotion(entityRef);
  const confirm = async () => {
    const promotion = await promote(choices.request(environment));
    if (promotion) onPromoted(promotion);
  };
  // Only the preview of the version on screen counts: react-use keeps the last one while the next loads.
  const canConfirm =
    !preview.loading &&
    preview.value?.version === version &&
    Boolean(preview.value?.canProceed) &&
    !choices.needsReason &&
    !submitting;
  const confirmLabel = rollback ? 'promote.confirmRollback' : 'promote.confirm';

  return (
    <Dialog open={props.open} onClose={props.onClose} fullWidth maxWidth="md">
      <DialogTitle>{t('promote.title', { environment })}</DialogTitle>
      <DialogContent dividers>
        <PromoteForm
          versions={props.versions}
          version={version}
          onVersionChange={choices.setVersion}
          rollback={rollback}
          onRollbackChange={choices.setRollback}
          reason={choices.reason}
          onReasonChange={choices.setReason}
        />
        <SafetyOptions
          environment={environment}
          preview={preview.value}
          rollback={rollback}
          overrideFreeze={overrideFreeze}
          onOverrideFreezeChange={choices.setOverrideFreeze}
          hold={choices.hold}
          onHoldChange={choices.setHold}
        />
        {preview.loading && <Progress />}
        {preview.error && <ResponseErrorPanel error={preview.error} />}
        {preview.value && <PromotionPreviewBody preview={preview.value} />}
        {error && (
          <Alert severity="error" className={classes.error}>
            {error.message}
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>{t('promote.cancel')}</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={!canConfirm}
          onClick={confirm}
        >
          {t(confirmLabel, { version, environment })}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
