import {
  Link,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { Deployment } from '@shiplog/plugin-shiplog-common';
import { useDeploymentHistory } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { exactTime, relativeTime } from '../../utils/format';
import { StatusIndicator } from '../StatusIndicator';
import { HistoryFilters } from './HistoryFilters';

const useStyles = makeStyles(
  { version: { fontFamily: 'monospace' } },
  { name: 'ShiplogDeploymentHistory' },
);

function useColumns(): TableColumn<Deployment>[] {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return [
    {
      title: t('history.when'),
      render: d => {
        const at = d.finishedAt ?? d.startedAt ?? d.updatedAt;
        return (
          <Tooltip title={exactTime(at)}>
            <span>{relativeTime(at)}</span>
          </Tooltip>
        );
      },
    },
    { title: t('history.environment'), field: 'environment' },
    {
      title: t('history.version'),
      render: d => (
        <span className={classes.version}>
          {d.version}{' '}
          {d.rollback && (
            <Chip
              size="small"
              color="secondary"
              label={t('history.rollback')}
            />
          )}
        </span>
      ),
    },
    {
      title: t('history.result'),
      render: d => <StatusIndicator status={d.status} />,
    },
    { title: t('history.by'), render: d => d.actor ?? '' },
    {
      title: t('history.run'),
      render: d =>
        d.runUrl ? <Link to={d.runUrl}>{t('history.open')}</Link> : '',
    },
  ];
}

/** Every deployment, newest first, filterable, paged with the API's keyset cursors. */
export function DeploymentHistory({
  entityRef,
  environments,
}: {
  entityRef: CompoundEntityRef;
  environments: string[];
}) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const history = useDeploymentHistory(entityRef);
  const columns = useColumns();
  return (
    <>
      <HistoryFilters
        environments={environments}
        environment={history.environment}
        onEnvironmentChange={history.setEnvironment}
        status={history.status}
        onStatusChange={history.setStatus}
      />
      {history.error ? (
        <ResponseErrorPanel error={history.error} />
      ) : (
        <Table<Deployment>
          title={t('history.title')}
          options={{ paging: false, search: false, padding: 'dense' }}
          columns={columns}
          data={history.deployments}
          isLoading={history.loading}
          emptyContent={<Box p={2}>{t('history.noMatch')}</Box>}
        />
      )}
      <Box mt={1} display="flex" justifyContent="space-between">
        <Button
          disabled={!history.hasNewer || history.loading}
          onClick={history.newer}
        >
          {t('history.newer')}
        </Button>
        <Button
          disabled={!history.hasOlder || history.loading}
          onClick={history.older}
        >
          {t('history.older')}
        </Button>
      </Box>
    </>
  );
}
