import TableCell from '@material-ui/core/TableCell';
import { RollupCell } from '@shiplog/plugin-shiplog-common';
import { exactTime, relativeTime } from '../../utils/format';
import { StatusIcon } from '../StatusIndicator';
import { RollupLabels } from './rollupLabels';
import { useRollupStyles } from './styles';

/**
 * One component in one environment: version, status, age; a failure or drift colours the cell. The
 * table hands down its styles and words: a 500-component rollup has 2,000 cells, and hooks or
 * translations per cell were a large part of its first render.
 */
export function RollupCellView(props: {
  cell: RollupCell | undefined;
  classes: ReturnType<typeof useRollupStyles>;
  labels: RollupLabels;
}) {
  const { cell, classes, labels } = props;
  if (!cell || (!cell.version && !cell.status)) {
    return (
      <TableCell className={classes.cell}>
        <span className={classes.empty}>—</span>
      </TableCell>
    );
  }
  const behind = cell.version !== undefined && (cell.behindReleases ?? 0) > 0;
  let className = classes.cell;
  if (cell.status === 'failed') className = classes.failedCell;
  else if (behind) className = classes.driftCell;
  return (
    <TableCell className={className}>
      <span className={classes.version}>{cell.version ?? '—'}</span>
      {cell.status && (
        <StatusIcon status={cell.status}>
          {labels.status(cell.status)}
        </StatusIcon>
      )}
      {cell.since && (
        <span className={classes.age} title={exactTime(cell.since)}>
          {relativeTime(cell.since)}
        </span>
      )}
      {behind && (
        <span className={classes.behind}>
          {labels.behind(cell.behindReleases ?? 0)}
        </span>
      )}
    </TableCell>
  );
}
