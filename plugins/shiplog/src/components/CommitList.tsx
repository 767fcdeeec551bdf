import { Link } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { CommitSummary } from '@shiplog/plugin-shiplog-common';
import { shortSha } from './format';

const useStyles = makeStyles(theme => ({
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
}));

/** Commits with their pull requests and labels; `no-deploy-to-*` labels stand out. */
export function CommitList({
  commits,
  total,
}: {
  commits: CommitSummary[];
  total?: number;
}) {
  const classes = useStyles();
  if (!commits.length) {
    return (
      <Typography variant="body2" color="textSecondary">
        No commits recorded
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
              <>
                {' '}
                {commit.pullRequest.url ? (
                  <Link to={commit.pullRequest.url}>
                    #{commit.pullRequest.number}
                  </Link>
                ) : (
                  <span>#{commit.pullRequest.number}</span>
                )}
                {commit.pullRequest.labels.map(label => (
                  <Chip
                    key={label}
                    size="small"
                    label={label}
                    className={
                      label.startsWith('no-deploy-to-')
                        ? classes.warning
                        : classes.label
                    }
                  />
                ))}
              </>
            )}
          </Typography>
        </li>
      ))}
      {total !== undefined && total > commits.length && (
        <li>
          <Typography variant="caption" color="textSecondary">
            and {total - commits.length} more
          </Typography>
        </li>
      )}
    </ul>
  );
}
