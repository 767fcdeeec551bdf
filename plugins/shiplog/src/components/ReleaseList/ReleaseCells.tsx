import { Link } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { Release } from '@shiplog/plugin-shiplog-common';
import {
  exactTime,
  relativeTime,
  shortDigest,
  shortSha,
} from '../../utils/format';
import { CommitList } from '../CommitList';
import { ReleaseCellClasses, ReleaseLabels } from './releaseLabels';

/** The table's styles and words come from the table: no hooks per cell. */
interface CellProps {
  release: Release;
  classes: ReleaseCellClasses;
  labels: ReleaseLabels;
}

export function VersionCell({ release, classes }: CellProps) {
  return (
    <>
      <Typography variant="body1" className={classes.version}>
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
  );
}

export function ImageCell({ release, classes, labels }: CellProps) {
  const image = release.stages.publish?.image;
  if (!image) {
    return (
      <Typography variant="caption" color="textSecondary">
        {labels.notPublished}
      </Typography>
    );
  }
  return (
    <Typography
      variant="caption"
      className={classes.image}
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
}

export function ChangesCell({ release, labels }: CellProps) {
  return (
    <>
      {release.commitCount > 0 && (
        <Chip size="small" label={labels.commits(release.commitCount)} />
      )}
      {release.stages.release?.runUrl && (
        <>
          {' '}
          <Link to={release.stages.release.runUrl}>{labels.releaseNotes}</Link>
        </>
      )}
      <CommitList
        commits={release.commits.slice(0, 5)}
        total={release.commitCount}
      />
    </>
  );
}
