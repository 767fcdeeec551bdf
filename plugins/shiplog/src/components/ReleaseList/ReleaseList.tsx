import { Table, TableColumn } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { Release } from '@shiplog/plugin-shiplog-common';
import { useMemo } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { PipelineRow } from './PipelineRow';
import { ChangesCell, ImageCell, VersionCell } from './ReleaseCells';
import { useReleaseCellStyles, useReleaseLabels } from './releaseLabels';

/** Releases, newest first, each with its pipeline, image and changes; "Older releases" loads the next page. */
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
  // The same columns while nothing they use changes: material-table compares them on every update.
  const columns: TableColumn<Release>[] = useMemo(() => {
    const cell = { classes, labels };
    return [
      {
        title: t('releases.version'),
        width: '14%',
        render: release => <VersionCell release={release} {...cell} />,
      },
      {
        title: t('releases.pipeline'),
        width: '34%',
        render: release => (
          <PipelineRow
            release={release}
            environments={environments}
            {...cell}
          />
        ),
      },
      {
        title: t('releases.image'),
        width: '18%',
        render: release => <ImageCell release={release} {...cell} />,
      },
      {
        title: t('releases.changes'),
        render: release => <ChangesCell release={release} {...cell} />,
      },
    ];
  }, [t, classes, labels, environments]);
  return (
    <>
      <Table<Release>
        title={t('releases.title')}
        subtitle={t('releases.subtitle')}
        options={{ paging: false, search: false, padding: 'dense' }}
        columns={columns}
        data={releases}
        isLoading={props.loading && releases.length === 0}
      />
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
