import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { RollupResponse } from '@shiplog/plugin-shiplog-common';
import { useEffect, useMemo, useState } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { RollupRow } from './RollupRow';
import { RollupToolbar } from './RollupToolbar';
import { RollupFilter, RollupSort, rollupRows } from './rollupRows';
import { useRollupLabels } from './rollupLabels';
import { useRollupStyles } from './styles';

/** Rows per page: a first view of a 500-component group renders 50 rows, not 500 (each has a link and four cells). */
const ROWS_PER_PAGE = [25, 50, 100, 500];

/** The page shown: back to the first on a new sort or filter, kept when a live update brings new data. */
function usePage(sort: RollupSort, filter: RollupFilter) {
  const [page, setPage] = useState(0);
  const [perPage, setPerPage] = useState(ROWS_PER_PAGE[1]);
  useEffect(() => setPage(0), [sort, filter]);
  return { page, setPage, perPage, setPerPage };
}

/** Components × environments, sortable and filterable, each component linking to its own tab. */
export function RollupTable(props: { rollup: RollupResponse }) {
  const classes = useRollupStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const labels = useRollupLabels();
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
  const { page, setPage, perPage, setPerPage } = usePage(sort, filter);
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
          {rows.slice(page * perPage, (page + 1) * perPage).map(component => (
            <RollupRow
              key={component.entityRef}
              component={component}
              environments={rollup.environments}
              classes={classes}
              labels={labels}
            />
          ))}
        </TableBody>
      </Table>
      {rows.length > ROWS_PER_PAGE[0] && (
        <TablePagination
          component="div"
          count={rows.length}
          page={page}
          onPageChange={(_event, next) => setPage(next)}
          rowsPerPage={perPage}
          rowsPerPageOptions={ROWS_PER_PAGE}
          onRowsPerPageChange={event => {
            setPerPage(Number(event.target.value));
            setPage(0);
          }}
        />
      )}
      {!rows.length && <Typography>{t('orgViews.noMatch')}</Typography>}
    </>
  );
}
