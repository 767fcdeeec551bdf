import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import {
  TranslationFunction,
  useTranslationRef,
} from '@backstage/core-plugin-api/alpha';
import { shiplogTranslationRef } from '../../translation';

/** The status's own words, `failed`, `in progress`; an unknown status as it is. */
export function statusText(
  t: TranslationFunction<typeof shiplogTranslationRef.T>,
  status: string,
): string {
  switch (status) {
    case 'succeeded':
      return t('status.succeeded');
    case 'failed':
      return t('status.failed');
    case 'in_progress':
    case 'started':
      return t('status.inProgress');
    case 'cancelled':
      return t('status.cancelled');
    case 'never_deployed':
      return t('status.neverDeployed');
    default:
      return status;
  }
}

/**
 * The status's icon with the given text, and no hooks of its own: tables with hundreds of statuses
 * (a rollup's cells, a release's pipeline steps) hand down their words instead of translating per cell.
 */
export function StatusIcon(props: { status: string; children: string }) {
  const { status, children } = props;
  switch (status) {
    case 'succeeded':
      return <StatusOK>{children}</StatusOK>;
    case 'failed':
      return <StatusError>{children}</StatusError>;
    case 'in_progress':
    case 'started':
      return <StatusRunning>{children}</StatusRunning>;
    case 'cancelled':
      return <StatusAborted>{children}</StatusAborted>;
    default:
      return <StatusPending>{children}</StatusPending>;
  }
}

/** One status vocabulary for deployments and pipeline stages, with Backstage's status icons. */
export function StatusIndicator(props: { status: string; label?: string }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { status, label } = props;
  return (
    <StatusIcon status={status}>{label ?? statusText(t, status)}</StatusIcon>
  );
}
