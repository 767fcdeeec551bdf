import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { CompoundEntityRef } from '@backstage/catalog-model';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import { useChangelog } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { CommitList } from '../CommitList';
import { VersionPicker } from './VersionPicker';

const useStyles = makeStyles(
  theme => ({
    pickers: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(2),
    },
  }),
  { name: 'ShiplogCompareReleases' },
);

/** Pick two versions, see the commits and pull requests between them. */
export function CompareReleases(props: {
  entityRef: CompoundEntityRef;
  versions: string[];
  defaultFrom?: string;
  defaultTo?: string;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const [from, setFrom] = useState(
    props.defaultFrom ?? props.versions[1] ?? '',
  );
  const [to, setTo] = useState(props.defaultTo ?? props.versions[0] ?? '');
  const { value, loading, error } = useChangelog(props.entityRef, from, to);
  if (props.versions.length < 2) {
    return (
      <Typography color="textSecondary">{t('compare.needTwo')}</Typography>
    );
  }
  return (
    <>
      <div className={classes.pickers}>
        <VersionPicker
          label={t('compare.from')}
          value={from}
          versions={props.versions}
          onChange={setFrom}
        />
        <Typography>→</Typography>
        <VersionPicker
          label={t('compare.to')}
          value={to}
          versions={props.versions}
          onChange={setTo}
        />
      </div>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <>
          <Typography variant="subtitle2" gutterBottom>
            {t('counts.changelog', {
              releases: t('counts.release', { count: value.releases.length }),
              commits: t('counts.commit', { count: value.commits.length }),
              pullRequests: t('counts.pullRequest', {
                count: value.pullRequests.length,
              }),
            })}
            {value.releases.length > 0 && `: ${value.releases.join(', ')}`}
          </Typography>
          <CommitList commits={value.commits} />
        </>
      )}
    </>
  );
}
