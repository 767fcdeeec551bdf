import Chip from '@material-ui/core/Chip';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { RollupComponent } from '@shiplog/plugin-shiplog-common';
import { ComponentLinkView } from './ComponentLink';
import { RollupCellView } from './RollupCellView';
import { RollupLabels } from './rollupLabels';
import { useRollupStyles } from './styles';

/** One component: its name (linking to its tab), failing and undeployed marks, a cell per environment. */
export function RollupRow(props: {
  component: RollupComponent;
  environments: string[];
  classes: ReturnType<typeof useRollupStyles>;
  labels: RollupLabels;
}) {
  const { component, environments, classes, labels } = props;
  return (
    <TableRow hover>
      <TableCell className={classes.cell}>
        <ComponentLinkView component={component} labels={labels} />
        {component.failing && (
          <Chip
            size="small"
            color="secondary"
            label={labels.failing}
            className={classes.failingChip}
          />
        )}
        {component.undeployedCommits > 0 && (
          <span className={classes.age}>
            {labels.undeployed(component.undeployedCommits)}
          </span>
        )}
      </TableCell>
      {environments.map(env => (
        <RollupCellView
          key={env}
          cell={component.environments[env]}
          classes={classes}
          labels={labels}
        />
      ))}
    </TableRow>
  );
}
