import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import { Deployment } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';

const STATUSES: Array<Deployment['status']> = [
  'succeeded',
  'failed',
  'in_progress',
  'cancelled',
];

const useStyles = makeStyles(
  theme => ({
    filters: {
      display: 'flex',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(1),
    },
    filter: { minWidth: 160 },
  }),
  { name: 'ShiplogHistoryFilters' },
);

/** The history's environment and result filters; "All" is the empty value. */
export function HistoryFilters(props: {
  environments: string[];
  environment: string;
  onEnvironmentChange: (environment: string) => void;
  status: string;
  onStatusChange: (status: string) => void;
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  return (
    <div className={classes.filters}>
      <TextField
        select
        size="small"
        variant="outlined"
        label={t('history.environment')}
        value={props.environment}
        onChange={e => props.onEnvironmentChange(String(e.target.value))}
        className={classes.filter}
        inputProps={{ 'data-testid': 'history-environment' }}
      >
        <MenuItem value="">{t('history.all')}</MenuItem>
        {props.environments.map(env => (
          <MenuItem key={env} value={env}>
            {env}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        size="small"
        variant="outlined"
        label={t('history.result')}
        value={props.status}
        onChange={e => props.onStatusChange(String(e.target.value))}
        className={classes.filter}
      >
        <MenuItem value="">{t('history.all')}</MenuItem>
        {STATUSES.map(s => (
          <MenuItem key={s} value={s}>
            {s.replace('_', ' ')}
          </MenuItem>
        ))}
      </TextField>
    </div>
  );
}
