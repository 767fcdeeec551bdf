import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import { Deployment } from '@shiplog/plugin-shiplog-common';
import { ChangeEvent, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { exactTime, relativeTime } from './format';
import { StatusIndicator } from './StatusIndicator';

const PAGE_SIZE = 20;
const STATUSES: Array<Deployment['status']> = [
  'succeeded',
  'failed',
  'in_progress',
  'cancelled',
];

/** Every deployment, newest first, filterable, paged with the API's keyset cursors. */
export function DeploymentHistory({
  entityRef,
  environments,
}: {
  entityRef: CompoundEntityRef;
  environments: string[];
}) {
  const api = useApi(shiplogApiRef);
  const [environment, setEnvironment] = useState('');
  const [status, setStatus] = useState('');
  // Cursors of the pages before this one, so "Newer" can go back.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const { value, loading, error } = useAsync(
    () =>
      api.getDeployments(entityRef, {
        environment: environment || undefined,
        status: (status || undefined) as Deployment['status'] | undefined,
        cursor,
        limit: PAGE_SIZE,
      }),
    [
      api,
      entityRef.kind,
      entityRef.namespace,
      entityRef.name,
      environment,
      status,
      cursor,
    ],
  );
  const resetTo =
    (set: (v: string) => void) => (event: ChangeEvent<{ value: unknown }>) => {
      set(String(event.target.value));
      setCursors([undefined]);
    };

  const columns: TableColumn<Deployment>[] = [
    {
      title: 'When',
      render: d => {
        const at = d.finishedAt ?? d.startedAt ?? d.updatedAt;
        return (
          <Tooltip title={exactTime(at)}>
            <span>{relativeTime(at)}</span>
          </Tooltip>
        );
      },
    },
    { title: 'Environment', field: 'environment' },
    {
      title: 'Version',
      render: d => (
        <span style={{ fontFamily: 'monospace' }}>
          {d.version}{' '}
          {d.rollback && (
            <Chip size="small" color="secondary" label="rollback" />
          )}
        </span>
      ),
    },
    { title: 'Result', render: d => <StatusIndicator status={d.status} /> },
    { title: 'By', render: d => d.actor ?? '' },
    {
      title: 'Run',
      render: d => (d.runUrl ? <Link to={d.runUrl}>open</Link> : ''),
    },
  ];

  return (
    <>
      <Box display="flex" style={{ gap: 16 }} mb={1}>
        <TextField
          select
          size="small"
          variant="outlined"
          label="Environment"
          value={environment}
          onChange={resetTo(setEnvironment)}
          style={{ minWidth: 160 }}
          inputProps={{ 'data-testid': 'history-environment' }}
        >
          <MenuItem value="">All</MenuItem>
          {environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          variant="outlined"
          label="Result"
          value={status}
          onChange={resetTo(setStatus)}
          style={{ minWidth: 160 }}
        >
          <MenuItem value="">All</MenuItem>
          {STATUSES.map(s => (
            <MenuItem key={s} value={s}>
              {s.replace('_', ' ')}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {error ? (
        <ResponseErrorPanel error={error} />
      ) : (
        <Table<Deployment>
          title="Deployment history"
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={value?.items ?? []}
          isLoading={loading}
          emptyContent={<Box p={2}>No deployments match.</Box>}
        />
      )}
      <Box mt={1} display="flex" justifyContent="space-between">
        <Button
          disabled={cursors.length < 2 || loading}
          onClick={() => setCursors(c => c.slice(0, -1))}
        >
          Newer
        </Button>
        <Button
          disabled={!value?.nextCursor || loading}
          onClick={() => setCursors(c => [...c, value?.nextCursor])}
        >
          Older
        </Button>
      </Box>
    </>
  );
}
