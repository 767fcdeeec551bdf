import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Release } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import {
  exactTime,
  relativeTime,
  shortDigest,
  shortSha,
} from '../../utils/format';
import { CommitList } from '../CommitList';

const useStyles = makeStyles(
  {
    version: { fontFamily: 'monospace', fontWeight: 600 },
    image: { fontFamily: 'monospace', wordBreak: 'break-all' },
  },
  { name: 'ShiplogReleaseCells' },
);

export function VersionCell({ release }: { release: Release }) {
  const classes = useStyles();
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

export function ImageCell({ release }: { release: Release }) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const image = release.stages.publish?.image;
  if (!image) {
    return (
      <Typography variant="caption" color="textSecondary">
        {t('releases.notPublished')}
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

export function ChangesCell({ release }: { release: Release }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <>
      {release.commitCount > 0 && (
        <Chip
          size="small"
          label={t('counts.commit', { count: release.commitCount })}
        />
      )}
      {release.stages.release?.runUrl && (
        <>
          {' '}
          <Link to={release.stages.release.runUrl}>
            {t('releases.releaseNotes')}
          </Link>
        </>
      )}
      <CommitList
        commits={release.commits.slice(0, 5)}
        total={release.commitCount}
      />
    </>
  );
}
