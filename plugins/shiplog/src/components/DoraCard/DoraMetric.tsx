import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Suspense, lazy } from 'react';
import { shiplogTranslationRef } from '../../translation';
import { WhenVisible } from '../Deferred';
import { DoraLevel } from './doraPerformance';
import type { TrendPoint } from './DoraTrendChart';

const DoraTrendChart = lazy(() => import('./DoraTrendChart'));

const LEVEL_COLOURS: Record<DoraLevel, string> = {
  elite: '#1b5e20',
  high: '#2e7d32',
  medium: '#ef6c00',
  low: '#c62828',
};

const useStyles = makeStyles(
  theme => ({
    metric: {
      border: `1px solid ${theme.palette.divider}`,
      borderRadius: theme.shape.borderRadius,
      padding: theme.spacing(1.5),
      height: '100%',
    },
    value: { fontSize: '1.5rem', fontWeight: 600 },
    level: { color: '#fff', marginLeft: theme.spacing(1) },
    chart: { minHeight: 120, marginTop: theme.spacing(1) },
  }),
  { name: 'ShiplogDoraMetric' },
);

/** One DORA metric: its value, what it is made of, its performance level and its weekly trend. */
export function DoraMetric(props: {
  title: string;
  value: string | undefined;
  detail: string;
  level: DoraLevel | undefined;
  hasLevels: boolean;
  trend?: { points: TrendPoint[]; label: string };
}) {
  const classes = useStyles();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const { title, value, detail, level, hasLevels, trend } = props;
  return (
    <div className={classes.metric}>
      <Typography variant="subtitle2">{title}</Typography>
      <span className={classes.value}>{value ?? t('dora.none')}</span>
      {level && (
        <Chip
          size="small"
          label={t(`dora.level.${level}`)}
          className={classes.level}
          style={{ backgroundColor: LEVEL_COLOURS[level] }}
        />
      )}
      <Typography variant="caption" display="block" color="textSecondary">
        {detail}
        {!hasLevels && ` · ${t('dora.noLevel')}`}
      </Typography>
      {trend && (
        // Loaded and drawn once scrolled to: below a long table, charts would hold up its first view.
        <WhenVisible className={classes.chart}>
          <Suspense fallback={null}>
            <DoraTrendChart points={trend.points} label={trend.label} />
          </Suspense>
        </WhenVisible>
      )}
    </div>
  );
}
