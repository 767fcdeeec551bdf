import {
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  isPromotionInFlight,
  Promotion,
  PromotionState,
} from '@shiplog/plugin-shiplog-common';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { shiplogApiRef } from '../api/ShiplogApi';
import { exactTime, relativeTime } from './format';
import { PromotionLinks } from './PromoteDialog';
import { StatusIndicator } from './StatusIndicator';

const STATE_LABELS: Record<PromotionState, string> = {
  requested: 'Requested',
  change_opened: 'Pull request open',
  merged: 'Merged, waiting for the sync',
  synced: 'Syncing',
  deployed: 'Deployed',
  failed: 'Failed',
  refused: 'Refused',
};

/** A promotion's state in the shared status vocabulary. */
export function PromotionStateIndicator({ state }: { state: PromotionState }) {
  const status =
    (state === 'deployed' && 'succeeded') ||
    ((state === 'failed' || state === 'refused') && 'failed') ||
    (state === 'synced' && 'in_progress') ||
    'pending';
  return <StatusIndicator status={status} label={STATE_LABELS[state]} />;
}

const POLL_MS = 5000;

/**
 * The entity's promotions, newest first, with their state, links to the pull request and the sync,
 * and why one failed or was refused. Refreshes while any is in flight.
 */
export function PromotionList(props: {
  entityRef: CompoundEntityRef;
  /** Changes when a promotion was just made, to show it at once. */
  refreshKey?: string;
}) {
  const { entityRef } = props;
  const api = useApi(shiplogApiRef);
  const [tick, setTick] = useState(0);
  const { value, error, retry } = useAsyncRetry(
    () => api.getPromotions(entityRef, { limit: 10 }),
    [
      api,
      entityRef.kind,
      entityRef.namespace,
      entityRef.name,
      props.refreshKey,
    ],
  );
  const inFlight = value?.items.some(p => isPromotionInFlight(p.state));
  useEffect(() => {
    if (!inFlight) return undefined;
    const timer = setTimeout(() => {
      setTick(t => t + 1);
      retry();
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [inFlight, tick, retry]);

  if (error) return <ResponseErrorPanel error={error} />;
  const items = value?.items ?? [];
  const columns: TableColumn<Promotion>[] = [
    {
      title: 'Promotion',
      render: p => (
        <>
          <Typography variant="body2">
            <strong>{p.version}</strong> → {p.environment}
            {p.rollback && ' (rollback)'}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            from {p.fromVersion ?? 'nothing'}
          </Typography>
        </>
      ),
    },
    {
      title: 'State',
      render: p => (
        <>
          <PromotionStateIndicator state={p.state} />
          {p.error && (
            <Typography variant="caption" display="block" color="error">
              {p.error}
            </Typography>
          )}
        </>
      ),
    },
    { title: 'Links', render: p => <PromotionLinks promotion={p} /> },
    {
      title: 'Requested',
      render: p => (
        <Tooltip title={exactTime(p.requestedAt)}>
          <Typography variant="body2">
            {relativeTime(p.requestedAt)} by{' '}
            {p.automatic ? 'auto-promotion' : p.requestedBy}
          </Typography>
        </Tooltip>
      ),
    },
  ];
  return (
    <Table<Promotion>
      options={{
        paging: false,
        search: false,
        toolbar: false,
        padding: 'dense',
      }}
      columns={columns}
      data={items}
      emptyContent={
        <Typography color="textSecondary" style={{ padding: 16 }}>
          No promotions yet: use Promote on an environment above.
        </Typography>
      }
    />
  );
}
