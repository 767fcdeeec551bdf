import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { DoraResponse } from '@shiplog/plugin-shiplog-common';
import { useMemo, useState } from 'react';
import { useDora } from '../../hooks';
import { shiplogTranslationRef } from '../../translation';
import { DoraMetric } from './DoraMetric';
import { DORA_REPORT, doraLevels } from './doraPerformance';
import { formatDuration, formatPerDay, formatRatio } from './formatDora';

const WINDOWS = [30, 90, 180];

const weekLabel = (iso: string) => iso.slice(5, 10);

function DoraMetrics({ dora }: { dora: DoraResponse }) {
  const { t } = useTranslationRef(shiplogTranslationRef);
  const levels = doraLevels(dora);
  const weekly = (
    value: (w: DoraResponse['weekly'][number]) => number | null,
  ) =>
    dora.weekly.map(w => ({ week: weekLabel(w.weekStart), value: value(w) }));
  const metrics = [
    {
      title: t('dora.deploymentFrequency'),
      value: t('dora.perDay', {
        value: formatPerDay(dora.deploymentFrequency.perDay),
      }),
      detail: t('dora.deployments', {
        count: dora.deploymentFrequency.deployments,
      }),
      level: levels.deploymentFrequency,
      trend: {
        label: t('dora.weeklyDeployments'),
        points: weekly(w => w.deployments),
      },
    },
    {
      title: t('dora.leadTime'),
      value: formatDuration(dora.leadTime.medianSeconds),
      detail: t('dora.samples', { count: dora.leadTime.samples }),
      level: levels.leadTime,
      trend: {
        label: t('dora.weeklyLeadTime'),
        points: weekly(w =>
          w.leadTimeMedianSeconds === null
            ? null
            : Math.round((w.leadTimeMedianSeconds / 3600) * 10) / 10,
        ),
      },
    },
    {
      title: t('dora.changeFailRate'),
      value: formatRatio(dora.changeFailRate.ratio),
      detail: t('dora.ratio', {
        failed: String(dora.changeFailRate.failed),
        total: String(dora.changeFailRate.total),
      }),
      level: levels.changeFailRate,
      trend: {
        label: t('dora.weeklyChangeFailRate'),
        points: weekly(w =>
          w.changeFailRate === null ? null : Math.round(w.changeFailRate * 100),
        ),
      },
    },
    {
      title: t('dora.recoveryTime'),
      value: formatDuration(dora.recoveryTime.medianSeconds),
      detail: t('dora.samples', { count: dora.recoveryTime.samples }),
      level: levels.recoveryTime,
    },
    {
      title: t('dora.reworkRate'),
      value: formatRatio(dora.reworkRate.ratio),
      detail: t('dora.ratio', {
        failed: String(dora.reworkRate.unplanned),
        total: String(dora.reworkRate.total),
      }),
      level: undefined,
      hasLevels: false,
    },
  ];
  return (
    <Grid container spacing={2}>
      {metrics.map(metric => (
        <Grid item xs={12} sm={6} md={4} key={metric.title}>
          <DoraMetric hasLevels {...metric} />
        </Grid>
      ))}
    </Grid>
  );
}

/** DORA's five metrics for the components an entity covers, with weekly trends and performance levels. */
export function DoraCard() {
  const { entity } = useEntity();
  const { t } = useTranslationRef(shiplogTranslationRef);
  const [days, setDays] = useState(90);
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useDora(entityRef, days);
  return (
    <InfoCard
      title={t('dora.title')}
      subheader={
        value
          ? t('dora.subheader', {
              days: String(days),
              environment: value.environment,
              components: t('dora.components', { count: value.components }),
            })
          : undefined
      }
      action={
        <TextField
          select
          size="small"
          value={days}
          onChange={e => setDays(Number(e.target.value))}
        >
          {WINDOWS.map(w => (
            <MenuItem key={w} value={w}>
              {t('dora.days', { count: w })}
            </MenuItem>
          ))}
        </TextField>
      }
    >
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && <DoraMetrics dora={value} />}
      <Typography variant="caption" color="textSecondary">
        {t('dora.levelsFrom')}
        <Link to={DORA_REPORT.url}>{DORA_REPORT.title}</Link>
      </Typography>
    </InfoCard>
  );
}
