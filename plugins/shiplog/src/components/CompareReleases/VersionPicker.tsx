import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(
  { picker: { minWidth: 180 } },
  { name: 'ShiplogVersionPicker' },
);

/** A select of versions, newest first. */
export function VersionPicker(props: {
  label: string;
  value: string;
  versions: string[];
  onChange: (version: string) => void;
  id?: string;
  inputProps?: Record<string, string>;
}) {
  const classes = useStyles();
  return (
    <TextField
      id={props.id}
      select
      size="small"
      variant="outlined"
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(String(e.target.value))}
      className={classes.picker}
      inputProps={props.inputProps}
    >
      {props.versions.map(v => (
        <MenuItem key={v} value={v}>
          {v}
        </MenuItem>
      ))}
    </TextField>
  );
}
