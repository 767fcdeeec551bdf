import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import { makeStyles } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import WarningIcon from '@material-ui/icons/Warning';
import { GuardVerdict } from '@shiplog/plugin-shiplog-common';
import { shiplogTranslationRef } from '../../translation';

const useStyles = makeStyles(
  theme => ({
    pass: { color: theme.palette.success.main },
    warn: { color: theme.palette.warning.main },
    icon: { minWidth: 32 },
    // The theme keeps list items on one line; a verdict must be read whole.
    text: { whiteSpace: 'normal' },
    primary: { whiteSpace: 'normal', overflowWrap: 'anywhere' },
  }),
  { name: 'ShiplogGuardVerdicts' },
);

const GUARD_TITLE_KEYS = {
  'version-published': 'guards.versionPublished',
  'no-downgrade': 'guards.noDowngrade',
  'environment-order': 'guards.environmentOrder',
  'no-deploy-label': 'guards.noDeployLabel',
  'version-jump': 'guards.versionJump',
  hold: 'guards.hold',
  freeze: 'guards.freeze',
  soak: 'guards.soak',
} as const;

function VerdictIcon({ outcome }: { outcome: GuardVerdict['outcome'] }) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  if (outcome === 'pass') {
    return (
      <CheckCircleIcon
        className={classes.pass}
        titleAccess={t('promote.verdictPass')}
      />
    );
  }
  if (outcome === 'warn') {
    return (
      <WarningIcon
        className={classes.warn}
        titleAccess={t('promote.verdictWarn')}
      />
    );
  }
  return <BlockIcon color="error" titleAccess={t('promote.verdictRefuse')} />;
}

/** Every guard's verdict, refusals and warnings with how to proceed. */
export function GuardVerdicts({ guards }: { guards: GuardVerdict[] }) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const title = (guard: GuardVerdict['guard']) =>
    guard in GUARD_TITLE_KEYS ? t(GUARD_TITLE_KEYS[guard]) : guard;
  return (
    <List dense disablePadding>
      {guards.map(verdict => (
        <ListItem
          key={verdict.guard}
          disableGutters
          data-testid={`guard-${verdict.guard}`}
        >
          <ListItemIcon className={classes.icon}>
            <VerdictIcon outcome={verdict.outcome} />
          </ListItemIcon>
          <ListItemText
            className={classes.text}
            primaryTypographyProps={{ className: classes.primary }}
            primary={`${title(verdict.guard)}: ${verdict.message}`}
            secondary={
              verdict.outcome === 'pass' ? undefined : verdict.howToProceed
            }
          />
        </ListItem>
      ))}
    </List>
  );
}
