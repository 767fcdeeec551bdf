import { Entity, getCompoundEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo } from 'react';
import { relativeTime } from '../../utils/format';
import { useDeployedVersions } from '../../hooks';

const useStyles = makeStyles(
  theme => ({
    // A version never wraps: "2.16.0" split over two lines reads as two numbers.
    version: { fontFamily: 'monospace', whiteSpace: 'nowrap' },
    failed: {
      fontFamily: 'monospace',
      whiteSpace: 'nowrap',
      color: theme.palette.error.main,
    },
    behind: {
      fontFamily: 'monospace',
      whiteSpace: 'nowrap',
      color: theme.palette.warning.dark,
    },
  }),
  { name: 'ShiplogCatalogColumn' },
);

/** The version a component runs in one environment, red when its last attempt failed, amber when behind. */
export function DeployedVersionCell(props: {
  entity: Entity;
  environment: string;
}) {
  const classes = useStyles();
  const entityRef = useMemo(
    () => getCompoundEntityRef(props.entity),
    [props.entity],
  );
  const { value } = useDeployedVersions(entityRef);
  const env = value?.environments.find(e => e.name === props.environment);
  if (!env?.current && env?.status !== 'failed') {
    return <Typography variant="body2">—</Typography>;
  }
  let className = classes.version;
  if (env.status === 'failed') className = classes.failed;
  else if (env.drift.releasesBehind > 0) className = classes.behind;
  return (
    <Typography
      variant="body2"
      className={className}
      title={env.current ? relativeTime(env.current.at) : env.status}
    >
      {env.current?.version ?? env.status}
    </Typography>
  );
}
