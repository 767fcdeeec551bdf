import { makeStyles } from '@material-ui/core/styles';

export const useArgoCdStyles = makeStyles(
  theme => ({
    app: {
      marginTop: theme.spacing(1.5),
      paddingTop: theme.spacing(1),
      borderTop: `1px dashed ${theme.palette.divider}`,
    },
    badges: { display: 'flex', gap: theme.spacing(0.5), flexWrap: 'wrap' },
    ok: {
      backgroundColor: theme.palette.success.main,
      color: theme.palette.success.contrastText,
    },
    warn: {
      backgroundColor: theme.palette.warning.main,
      color: theme.palette.warning.contrastText,
    },
    bad: {
      backgroundColor: theme.palette.error.main,
      color: theme.palette.error.contrastText,
    },
    info: {
      backgroundColor: theme.palette.info.main,
      color: theme.palette.info.contrastText,
    },
    muted: { color: theme.palette.text.secondary },
    mono: { fontFamily: 'monospace', overflowWrap: 'anywhere' },
    drift: { color: theme.palette.warning.dark, fontWeight: 500 },
    alert: { marginBottom: theme.spacing(2) },
  }),
  { name: 'ShiplogArgoCdStatus' },
);

/** The class of an Argo CD sync, health or operation status badge. */
export function useBadgeClass() {
  const classes = useArgoCdStyles();
  return (status: string) => {
    switch (status) {
      case 'Synced':
      case 'Healthy':
      case 'Succeeded':
        return classes.ok;
      case 'OutOfSync':
      case 'Suspended':
      case 'Missing':
        return classes.warn;
      case 'Degraded':
      case 'Failed':
      case 'Error':
        return classes.bad;
      case 'Progressing':
      case 'Running':
        return classes.info;
      default:
        return undefined;
    }
  };
}
