import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';

const LABELS: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  in_progress: 'In progress',
  started: 'In progress',
  cancelled: 'Cancelled',
  never_deployed: 'Never deployed',
};

/** One status vocabulary for deployments and pipeline stages, with Backstage's status icons. */
export function StatusIndicator(props: { status: string; label?: string }) {
  const text = props.label ?? LABELS[props.status] ?? props.status;
  switch (props.status) {
    case 'succeeded':
      return <StatusOK>{text}</StatusOK>;
    case 'failed':
      return <StatusError>{text}</StatusError>;
    case 'in_progress':
    case 'started':
      return <StatusRunning>{text}</StatusRunning>;
    case 'cancelled':
      return <StatusAborted>{text}</StatusAborted>;
    default:
      return <StatusPending>{text}</StatusPending>;
  }
}
