import { makeStyles } from '@material-ui/core/styles';

export const useRollupStyles = makeStyles(
  theme => ({
    toolbar: {
      display: 'flex',
      flexWrap: 'wrap',
      alignItems: 'center',
      gap: theme.spacing(2),
      marginBottom: theme.spacing(1),
    },
    cell: { verticalAlign: 'top', whiteSpace: 'nowrap' },
    failedCell: {
      verticalAlign: 'top',
      whiteSpace: 'nowrap',
      backgroundColor: theme.palette.type === 'dark' ? '#4a1c1c' : '#fdecea',
    },
    driftCell: {
      verticalAlign: 'top',
      whiteSpace: 'nowrap',
      backgroundColor: theme.palette.type === 'dark' ? '#4a3a12' : '#fff8e1',
    },
    version: { fontFamily: 'monospace', fontWeight: 500 },
    // Caption text as plain spans: a Typography per cell was hundreds of styled components per page.
    age: {
      ...theme.typography.caption,
      display: 'block',
      color: theme.palette.text.secondary,
    },
    behind: {
      ...theme.typography.caption,
      display: 'block',
      color: theme.palette.warning.dark,
    },
    failingChip: { marginLeft: theme.spacing(1) },
    empty: { color: theme.palette.text.disabled },
  }),
  { name: 'ShiplogRollup' },
);
