import { InfoCard, Progress } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { Release } from '@shiplog/plugin-shiplog-common';
import { memo } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { PipelineRow } from './PipelineRow';
import { ChangesCell, ImageCell, VersionCell } from './ReleaseCells';
import {
  ReleaseCellClasses,
  ReleaseLabels,
  useReleaseCellStyles,
  useReleaseLabels,
} from './releaseLabels';

/**
 * One release as a row. Memoized: "Older releases" appends rows, and the rows already shown keep
 * their render (the release objects, styles and words stay the same).
 */
const ReleaseRow = memo(function ReleaseRowView(props: {
  release: Release;
  environments: string[];
  classes: ReleaseCellClasses;
  labels: ReleaseLabels;
}) {
  const { classes } = props;
  return (
    <TableRow className={classes.tableRow}>
      <TableCell className={classes.versionCell}>
        <VersionCell {...props} />
      </TableCell>
      <TableCell className={classes.pipelineCell}>
        <PipelineRow {...props} />
      </TableCell>
      <TableCell className={classes.imageCell}>
        <ImageCell {...props} />
      </TableCell>
      <TableCell>
        <ChangesCell {...props} />
      </TableCell>
    </TableRow>
  );
});

/**
 * Releases, newest first, each with its pipeline, image and changes; "Older releases" loads the next
 * page. A plain MUI table: material-table's per-row and per-cell machinery (its data copies, column
 * state and row components) was most of the tab's first render, and this table needs none of its
 * sorting, search or paging.
 */
export function ReleaseList(props: {
  releases: Release[];
  environments: string[];
  loading: boolean;
  hasMore: boolean;
  onLoadMore: () => void;
}) {
  const { releases, environments } = props;
  const { t } = useTranslationRef(shiplogTranslationRef);
  const classes = useReleaseCellStyles();
  const labels = useReleaseLabels();
  return (
    <>
      <InfoCard title={t('releases.title')} subheader={t('releases.subtitle')}>
        {props.loading && releases.length === 0 ? (
          <Progress />
        ) : (
          <Table size="small" aria-label={t('releases.title')}>
            <TableHead>
              <TableRow>
                <TableCell>{t('releases.version')}</TableCell>
                <TableCell>{t('releases.pipeline')}</TableCell>
                <TableCell>{t('releases.image')}</TableCell>
                <TableCell>{t('releases.changes')}</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {releases.map(release => (
                <ReleaseRow
                  key={release.version}
                  release={release}
                  environments={environments}
                  classes={classes}
                  labels={labels}
                />
              ))}
            </TableBody>
          </Table>
        )}
      </InfoCard>
      {props.hasMore && (
        <Box mt={1} display="flex" justifyContent="center">
          <Button
            variant="outlined"
            onClick={props.onLoadMore}
            disabled={props.loading}
          >
            {props.loading
              ? t('releases.loading')
              : t('releases.olderReleases')}
          </Button>
        </Box>
      )}
    </>
  );
}
