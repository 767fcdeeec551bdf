import { Link, Table, TableColumn } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { Release } from '@shiplog/plugin-shiplog-common';
import { CommitList } from './CommitList';
import {
  exactTime,
  plural,
  relativeTime,
  shortDigest,
  shortSha,
} from './format';
import { StatusIndicator } from './StatusIndicator';

/** build → publish → one step per environment, as a compact progress row. */
function PipelineRow({
  release,
  environments,
}: {
  release: Release;
  environments: string[];
}) {
  const steps: Array<{
    name: string;
    status?: string;
    at?: string;
    url?: string;
  }> = [
    {
      name: 'build',
      status: release.stages.build?.status,
      at: release.stages.build?.at,
      url: release.stages.build?.runUrl,
    },
    {
      name: 'publish',
      status: release.stages.publish?.status,
      at: release.stages.publish?.at,
      url: release.stages.publish?.runUrl,
    },
    ...environments.map(env => ({
      name: env,
      status: release.deployments[env]?.status,
      at: release.deployments[env]?.at,
    })),
  ];
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
      {steps.map(step => (
        <Tooltip
          key={step.name}
          title={
            step.status
              ? `${step.name}: ${step.status.replace('_', ' ')} ${exactTime(
                  step.at,
                )}`
              : `${step.name}: not yet`
          }
        >
          <span>
            {step.status ? (
              <StatusIndicator status={step.status} label={step.name} />
            ) : (
              <Typography variant="caption" color="textSecondary">
                {step.name}
              </Typography>
            )}
          </span>
        </Tooltip>
      ))}
    </Box>
  );
}

export function ReleaseList(props: {
  releases: Release[];
  environments: string[];
  loading: boolean;
  hasMore: boolean;
  onLoadMore: () => void;
}) {
  const { releases, environments } = props;
  const columns: TableColumn<Release>[] = [
    {
      title: 'Version',
      width: '14%',
      render: release => (
        <>
          <Typography
            variant="body1"
            style={{ fontFamily: 'monospace', fontWeight: 600 }}
          >
            {release.version}
          </Typography>
          <Typography
            variant="caption"
            color="textSecondary"
            title={exactTime(release.firstSeenAt)}
          >
            {release.commitSha && (
              <span title={release.commitSha}>
                {shortSha(release.commitSha)} ·{' '}
              </span>
            )}
            {relativeTime(release.firstSeenAt)}
          </Typography>
        </>
      ),
    },
    {
      title: 'Pipeline',
      width: '34%',
      render: release => (
        <PipelineRow release={release} environments={environments} />
      ),
    },
    {
      title: 'Image',
      width: '18%',
      render: release => {
        const image = release.stages.publish?.image;
        if (!image)
          return (
            <Typography variant="caption" color="textSecondary">
              not published
            </Typography>
          );
        return (
          <Typography
            variant="caption"
            style={{ fontFamily: 'monospace', wordBreak: 'break-all' }}
            title={image.digest}
          >
            {image.repository}:{image.tag}
            {image.digest && (
              <>
                <br />
                {shortDigest(image.digest)}
              </>
            )}
          </Typography>
        );
      },
    },
    {
      title: 'Changes',
      render: release => (
        <>
          {release.commitCount > 0 && (
            <Chip size="small" label={plural(release.commitCount, 'commit')} />
          )}
          {release.stages.release?.runUrl && (
            <>
              {' '}
              <Link to={release.stages.release.runUrl}>release notes</Link>
            </>
          )}
          <CommitList
            commits={release.commits.slice(0, 5)}
            total={release.commitCount}
          />
        </>
      ),
    },
  ];
  return (
    <>
      <Table<Release>
        title="Releases"
        subtitle="Newest first"
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
            {props.loading ? 'Loading…' : 'Older releases'}
          </Button>
        </Box>
      )}
    </>
  );
}
