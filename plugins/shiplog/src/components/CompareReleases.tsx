import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { CommitList } from './CommitList';
import { plural } from './format';

/** Pick two versions, see the commits and pull requests between them. */
export function CompareReleases(props: {
  entityRef: CompoundEntityRef;
  versions: string[];
  defaultFrom?: string;
  defaultTo?: string;
}) {
  const api = useApi(shiplogApiRef);
  const [from, setFrom] = useState(
    props.defaultFrom ?? props.versions[1] ?? '',
  );
  const [to, setTo] = useState(props.defaultTo ?? props.versions[0] ?? '');
  const { entityRef } = props;
  const { value, loading, error } = useAsync(
    async () =>
      from && to && from !== to
        ? api.getChangelog(entityRef, from, to)
        : undefined,
    [api, entityRef.kind, entityRef.namespace, entityRef.name, from, to],
  );
  const picker = (label: string, current: string, set: (v: string) => void) => (
    <TextField
      select
      size="small"
      variant="outlined"
      label={label}
      value={current}
      onChange={e => set(String(e.target.value))}
      style={{ minWidth: 180 }}
    >
      {props.versions.map(v => (
        <MenuItem key={v} value={v}>
          {v}
        </MenuItem>
      ))}
    </TextField>
  );
  if (props.versions.length < 2) {
    return (
      <Typography color="textSecondary">
        Two releases are needed to compare.
      </Typography>
    );
  }
  return (
    <>
      <Box display="flex" style={{ gap: 16 }} mb={2} alignItems="center">
        {picker('From', from, setFrom)}
        <Typography>→</Typography>
        {picker('To', to, setTo)}
      </Box>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <>
          <Typography variant="subtitle2" gutterBottom>
            {plural(value.releases.length, 'release')},{' '}
            {plural(value.commits.length, 'commit')},{' '}
            {plural(value.pullRequests.length, 'pull request')}
            {value.releases.length > 0 && `: ${value.releases.join(', ')}`}
          </Typography>
          <CommitList commits={value.commits} />
        </>
      )}
    </>
  );
}
