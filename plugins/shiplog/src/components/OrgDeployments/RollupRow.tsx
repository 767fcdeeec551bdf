import { TranslationFunction } from '@backstage/core-plugin-api/alpha';
import Chip from '@material-ui/core/Chip';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { RollupComponent } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { ComponentLink } from './ComponentLink';
import { RollupCellView } from './RollupCellView';
import { useRollupStyles } from './styles';

/** One component: its name (linking to its tab), failing and undeployed marks, a cell per environment. */
export function RollupRow(props: {
  component: RollupComponent;
  environments: string[];
  classes: ReturnType<typeof useRollupStyles>;
  t: TranslationFunction<typeof shiplogTranslationRef.T>;
}) {
  const { component, environments, classes, t } = props;
  return (
    <TableRow hover>
      <TableCell className={classes.cell}>
        <ComponentLink component={component} />
        {component.failing && (
          <Chip
            size="small"
            color="secondary"
            label={t('orgViews.failing')}
            className={classes.failingChip}
          />
        )}
        {component.undeployedCommits > 0 && (
          <Typography variant="caption" className={classes.age}>
            {t('orgViews.undeployed', {
              commits: t('counts.commit', {
                count: component.undeployedCommits,
              }),
            })}
          </Typography>
        )}
      </TableCell>
      {environments.map(env => (
        <RollupCellView
          key={env}
          cell={component.environments[env]}
          classes={classes}
          t={t}
        />
      ))}
    </TableRow>
  );
}
