import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { shiplogTranslationRef } from '../../translation';

/** One status vocabulary for deployments and pipeline stages, with Backstage's status icons. */
export function StatusIndicator(props: { status: string; label?: string }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { status, label } = props;
  switch (status) {
    case 'succeeded':
      return <StatusOK>{label ?? t('status.succeeded')}</StatusOK>;
    case 'failed':
      return <StatusError>{label ?? t('status.failed')}</StatusError>;
    case 'in_progress':
    case 'started':
      return <StatusRunning>{label ?? t('status.inProgress')}</StatusRunning>;
    case 'cancelled':
      return <StatusAborted>{label ?? t('status.cancelled')}</StatusAborted>;
    case 'never_deployed':
      return (
        <StatusPending>{label ?? t('status.neverDeployed')}</StatusPending>
      );
    default:
      return <StatusPending>{label ?? status}</StatusPending>;
  }
}
