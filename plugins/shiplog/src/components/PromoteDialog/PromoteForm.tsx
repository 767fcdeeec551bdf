import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { shiplogTranslationRef } from '../../translation';
import { VersionPicker } from '../CompareReleases';

const useStyles = makeStyles(
  theme => ({
    row: {
      display: 'flex',
      alignItems: 'center',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(2),
    },
    reason: { marginBottom: theme.spacing(2) },
  }),
  { name: 'ShiplogPromoteForm' },
);

/** What to promote: the version, whether it is a rollback, and why. */
export function PromoteForm(props: {
  /** Releases, newest first. */
  versions: string[];
  version: string;
  onVersionChange: (version: string) => void;
  rollback: boolean;
  onRollbackChange: (rollback: boolean) => void;
  reason: string;
  onReasonChange: (reason: string) => void;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { versions, version, rollback } = props;
  // A default the release list does not hold (an older page) is still offered.
  const offered =
    versions.includes(version) || !version ? versions : [version, ...versions];
  return (
    <>
      <div className={classes.row}>
        <VersionPicker
          id="shiplog-promote-version"
          label={t('promote.version')}
          value={version}
          versions={offered}
          onChange={props.onVersionChange}
          inputProps={{ 'data-testid': 'promote-version' }}
        />
        <FormControlLabel
          control={
            <Checkbox
              checked={rollback}
              onChange={e => props.onRollbackChange(e.target.checked)}
            />
          }
          label={t('promote.rollback')}
        />
      </div>
      <TextField
        id="shiplog-promote-reason"
        fullWidth
        size="small"
        variant="outlined"
        label={rollback ? t('promote.reasonRequired') : t('promote.reason')}
        value={props.reason}
        onChange={e => props.onReasonChange(e.target.value)}
        className={classes.reason}
      />
    </>
  );
}
