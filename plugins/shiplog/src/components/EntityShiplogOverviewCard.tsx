import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { shiplogApiRef } from '../api/ShiplogApi';
import { describeDrift } from './drift';
import { plural, relativeTime } from './format';
import { StatusIndicator } from './StatusIndicator';

/** The environment matrix, compact, for the entity's overview page. */
export function EntityShiplogOverviewCard() {
  const { entity } = useEntity();
  const api = useApi(shiplogApiRef);
  const { value, loading, error } = useAsync(
    () => api.getEnvironments(getCompoundEntityRef(entity)),
    [api, stringifyEntityRef(entity)],
  );
  return (
    <InfoCard title="Deployments" variant="gridItem">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <>
          <Table size="small">
            <TableBody>
              {value.environments.map(env => (
                <TableRow key={env.name}>
                  <TableCell>{env.name}</TableCell>
                  <TableCell style={{ fontFamily: 'monospace' }}>
                    {env.current?.version ?? '—'}
                  </TableCell>
                  <TableCell>
                    <StatusIndicator status={env.status} />
                  </TableCell>
                  <TableCell>
                    <Typography
                      variant="caption"
                      color={describeDrift(env) ? 'error' : 'textSecondary'}
                    >
                      {describeDrift(env) ??
                        (env.current ? relativeTime(env.current.at) : '')}
                    </Typography>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {value.undeployed.commitCount > 0 && (
            <Typography
              variant="body2"
              color="textSecondary"
              style={{ marginTop: 8 }}
            >
              {plural(value.undeployed.commitCount, 'commit')} merged but not
              deployed anywhere
            </Typography>
          )}
        </>
      )}
    </InfoCard>
  );
}
