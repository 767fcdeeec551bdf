import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import { PromotionPreview } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';
import { CommitList } from '../CommitList';
import { GuardVerdicts } from './GuardVerdicts';

const useStyles = makeStyles(
  theme => ({ notice: { marginTop: theme.spacing(1) } }),
  { name: 'ShiplogPromotionPreview' },
);

/** The GitOps change promoting makes, or why none can be made. */
function ChangeSummary({ preview }: { preview: PromotionPreview }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { change } = preview;
  if (!change) {
    return <Alert severity="error">{preview.changeProblem}</Alert>;
  }
  let how: string = t('promote.commitsDirectly');
  if (change.kind === 'pull-request') {
    how = change.autoMerge
      ? t('promote.opensPullRequestAutoMerge')
      : t('promote.opensPullRequest');
  }
  return (
    <Typography variant="body2" color="textSecondary">
      {t('promote.changeSummary', {
        how,
        repository: <code>{change.repository}</code>,
        keyPath: <code>{change.keyPath}</code>,
        path: <code>{change.path}</code>,
        version: <code>{preview.version}</code>,
      })}
    </Typography>
  );
}

function Changelog({ preview }: { preview: PromotionPreview }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { changelog } = preview;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" gutterBottom>
        {t('promote.changelog', {
          counts: t('counts.changelog', {
            releases: t('counts.release', { count: changelog.releases.length }),
            commits: t('counts.commit', { count: changelog.commits.length }),
            pullRequests: t('counts.pullRequest', {
              count: changelog.pullRequests.length,
            }),
          }),
        })}
      </Typography>
      {changelog.groups.map(group => (
        <Box key={group.type} mb={1}>
          <Typography variant="overline">{group.title}</Typography>
          <CommitList commits={group.commits} />
        </Box>
      ))}
    </Box>
  );
}

/** What the dry run found: the change, who may promote, a promotion in flight, guards, changelog. */
export function PromotionPreviewBody({
  preview,
}: {
  preview: PromotionPreview;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { environment } = preview;
  return (
    <>
      <Typography variant="subtitle1" gutterBottom>
        {t('promote.transition', {
          from: preview.fromVersion ?? t('promote.nothing'),
          to: <strong>{preview.version}</strong>,
          environment,
        })}
      </Typography>
      <ChangeSummary preview={preview} />
      {!preview.allowed && (
        <Alert severity="error" className={classes.notice}>
          {t('promote.notAllowed', { environment })}
        </Alert>
      )}
      {preview.inFlight && (
        <Alert severity="warning" className={classes.notice}>
          {t('promote.inFlight', {
            version: preview.inFlight.version,
            environment,
            state: preview.inFlight.state.replace('_', ' '),
          })}
        </Alert>
      )}
      <Box mt={2}>
        <Typography variant="subtitle2">{t('promote.guards')}</Typography>
        <GuardVerdicts guards={preview.guards} />
      </Box>
      <Changelog preview={preview} />
    </>
  );
}
