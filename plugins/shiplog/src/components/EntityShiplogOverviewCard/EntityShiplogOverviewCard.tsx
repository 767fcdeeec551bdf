import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EnvironmentStatus } from '@shiplog/plugin-shiplog-common';
import { useMemo } from 'react';
import { useEnvironments, usePrefetch } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { loadEntityContent } from '../../lazyViews';
import { relativeTime } from '../../utils/format';
import { useDriftDescription } from '../EnvironmentMatrix';
import { StatusIndicator } from '../StatusIndicator';

const useStyles = makeStyles(
  theme => ({
    version: { fontFamily: 'monospace' },
    undeployed: { marginTop: theme.spacing(1) },
  }),
  { name: 'ShiplogOverviewCard' },
);

function EnvironmentRow({ env }: { env: EnvironmentStatus }) {
  const classes = useStyles();
  const drift = useDriftDescription()(env);
  return (
    <TableRow>
      <TableCell>{env.name}</TableCell>
      <TableCell className={classes.version}>
        {env.current?.version ?? '—'}
      </TableCell>
      <TableCell>
        <StatusIndicator status={env.status} />
      </TableCell>
      <TableCell>
        <Typography variant="caption" color={drift ? 'error' : 'textSecondary'}>
          {drift ?? (env.current ? relativeTime(env.current.at) : '')}
        </Typography>
      </TableCell>
    </TableRow>
  );
}

/** The environment matrix, compact, for the entity's overview page. */
export function EntityShiplogOverviewCard() {
  const { entity } = useEntity();
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useEnvironments(entityRef);
  // The Deployments tab is the next likely click: its code loads while the overview is idle.
  usePrefetch(loadEntityContent);
  return (
    <InfoCard title={t('overviewCard.title')} variant="gridItem">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <>
          <Table size="small">
            <TableBody>
              {value.environments.map(env => (
                <EnvironmentRow key={env.name} env={env} />
              ))}
            </TableBody>
          </Table>
          {value.undeployed.commitCount > 0 && (
            <Typography
              variant="body2"
              color="textSecondary"
              className={classes.undeployed}
            >
              {t('content.undeployed', {
                commits: t('counts.commit', {
                  count: value.undeployed.commitCount,
                }),
              })}
            </Typography>
          )}
        </>
      )}
    </InfoCard>
  );
}
