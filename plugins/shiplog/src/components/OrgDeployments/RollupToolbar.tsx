import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { shiplogTranslationRef } from '../../translation';
import { RollupFilter, RollupSort } from './rollupRows';
import { useRollupStyles } from './styles';

/** Sorting and filtering of the rollup table. */
export function RollupToolbar(props: {
  sort: RollupSort;
  onSort: (sort: RollupSort) => void;
  filter: RollupFilter;
  onFilter: (filter: RollupFilter) => void;
}) {
  const classes = useRollupStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { sort, onSort, filter, onFilter } = props;
  return (
    <div className={classes.toolbar}>
      <TextField
        id="shiplog-rollup-filter"
        label={t('orgViews.search')}
        value={filter.text}
        onChange={e => onFilter({ ...filter, text: e.target.value })}
        size="small"
        variant="outlined"
      />
      <TextField
        select
        id="shiplog-rollup-sort"
        label={t('orgViews.sortBy')}
        value={sort}
        onChange={e => onSort(e.target.value as RollupSort)}
        size="small"
        variant="outlined"
      >
        <MenuItem value="behind">{t('orgViews.sortBehind')}</MenuItem>
        <MenuItem value="failing">{t('orgViews.sortFailing')}</MenuItem>
        <MenuItem value="name">{t('orgViews.sortName')}</MenuItem>
      </TextField>
      <FormControlLabel
        control={
          <Checkbox
            checked={filter.onlyFailing}
            onChange={e =>
              onFilter({ ...filter, onlyFailing: e.target.checked })
            }
          />
        }
        label={t('orgViews.onlyFailing')}
      />
      <FormControlLabel
        control={
          <Checkbox
            checked={filter.onlyDrifting}
            onChange={e =>
              onFilter({ ...filter, onlyDrifting: e.target.checked })
            }
          />
        }
        label={t('orgViews.onlyDrifting')}
      />
    </div>
  );
}
