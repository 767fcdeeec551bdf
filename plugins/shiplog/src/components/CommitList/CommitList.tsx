import { Link } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { CommitSummary } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { shortSha } from '../../utils/format';

const useStyles = makeStyles(
  theme => ({
    list: { margin: 0, paddingLeft: theme.spacing(2) },
    sha: {
      fontFamily: 'monospace',
      color: theme.palette.text.secondary,
      marginRight: theme.spacing(1),
    },
    label: { marginLeft: theme.spacing(0.5), height: 18, fontSize: '0.7rem' },
    warning: {
      marginLeft: theme.spacing(0.5),
      height: 18,
      fontSize: '0.7rem',
      backgroundColor: theme.palette.warning.light,
    },
  }),
  { name: 'ShiplogCommitList' },
);

function PullRequestRef({
  pullRequest,
}: {
  pullRequest: NonNullable<CommitSummary['pullRequest']>;
}) {
  const classes = useStyles();
  return (
    <>
      {' '}
      {pullRequest.url ? (
        <Link to={pullRequest.url}>#{pullRequest.number}</Link>
      ) : (
        <span>#{pullRequest.number}</span>
      )}
      {pullRequest.labels.map(label => (
        <Chip
          key={label}
          size="small"
          label={label}
          className={
            label.startsWith('no-deploy-to-') ? classes.warning : classes.label
          }
        />
      ))}
    </>
  );
}

/** Commits with their pull requests and labels; `no-deploy-to-*` labels stand out. */
export function CommitList({
  commits,
  total,
}: {
  commits: CommitSummary[];
  total?: number;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  if (!commits.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        {t('commits.none')}
      </Typography>
    );
  }
  return (
    <ul className={classes.list}>
      {commits.map(commit => (
        <li key={commit.sha}>
          <Typography variant="body2" component="span">
            <span className={classes.sha}>{shortSha(commit.sha)}</span>
            {commit.message?.split('\n', 1)[0] ?? ''}
            {commit.author && (
              <Typography variant="caption" color="textSecondary">
                {' '}
                · {commit.author}
              </Typography>
            )}
            {commit.pullRequest && (
              <PullRequestRef pullRequest={commit.pullRequest} />
            )}
          </Typography>
        </li>
      ))}
      {total !== undefined && total > commits.length && (
        <li>
          <Typography variant="caption" color="textSecondary">
            {t('commits.more', { number: String(total - commits.length) })}
          </Typography>
        </li>
      )}
    </ul>
  );
}
