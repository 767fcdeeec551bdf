import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { RollupResponse } from '@shiplog/plugin-shiplog-common';
import { useEffect, useMemo, useState } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { ComponentLink } from './ComponentLink';
import { RollupCellView } from './RollupCellView';
import { RollupToolbar } from './RollupToolbar';
import { RollupFilter, RollupSort, rollupRows } from './rollupRows';
import { useRollupStyles } from './styles';

/** Rows rendered in the first pass: a screenful and more, on screen before the rest of a large group. */
const FIRST_ROWS = 100;

/**
 * How many rows to render: the first ones at once, all of them a frame later, so a group of hundreds
 * of components shows its top rows without waiting for the whole table to render.
 */
function useProgressiveRows(total: number) {
  const [shown, setShown] = useState(FIRST_ROWS);
  useEffect(() => {
    if (shown >= total) return undefined;
    const frame = requestAnimationFrame(() =>
      setTimeout(() => setShown(total), 0),
    );
    return () => cancelAnimationFrame(frame);
  }, [shown, total]);
  return shown;
}

/** Components × environments, sortable and filterable, each component linking to its own tab. */
export function RollupTable(props: { rollup: RollupResponse }) {
  const classes = useRollupStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const [sort, setSort] = useState<RollupSort>('behind');
  const [filter, setFilter] = useState<RollupFilter>({
    text: '',
    onlyFailing: false,
    onlyDrifting: false,
  });
  const { rollup } = props;
  const rows = useMemo(
    () => rollupRows(rollup, sort, filter),
    [rollup, sort, filter],
  );
  const shown = useProgressiveRows(rows.length);
  if (!rollup.components.length) {
    return <Typography>{t('orgViews.noComponents')}</Typography>;
  }
  return (
    <>
      <RollupToolbar
        sort={sort}
        onSort={setSort}
        filter={filter}
        onFilter={setFilter}
      />
      <Table size="small" aria-label={t('orgViews.title', { name: '' })}>
        <TableHead>
          <TableRow>
            <TableCell>{t('orgViews.component')}</TableCell>
            {rollup.environments.map(env => (
              <TableCell key={env}>{env}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.slice(0, shown).map(component => (
            <TableRow key={component.entityRef} hover>
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
              {rollup.environments.map(env => (
                <RollupCellView
                  key={env}
                  cell={component.environments[env]}
                  classes={classes}
                  t={t}
                />
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {!rows.length && <Typography>{t('orgViews.noMatch')}</Typography>}
    </>
  );
}
