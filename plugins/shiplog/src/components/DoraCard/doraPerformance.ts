import { DoraResponse } from '@shiplog/plugin-shiplog-common';

/**
 * DORA's performance levels, from the clusters of the Accelerate State of DevOps Report 2024 (DORA,
 * Google Cloud, https://dora.dev/research/2024/dora-report/). Each metric is placed by the report's
 * boundaries: deployment frequency on demand (daily or more) / daily to weekly / weekly to monthly /
 * less; lead time under a day / a week / a month / more; recovery under an hour / a day / a week /
 * more (the report gives high and medium both "less than one day" and low "a week to a month"; the
 * day-to-week gap no cluster covers counts as medium); change fail rate 5% / 10% / 20% / more (the
 * report's medium cluster, 10%, lies below its high one, 20%: the thresholds are taken in order). The
 * report publishes no levels for rework rate.
 */
export type DoraLevel = 'elite' | 'high' | 'medium' | 'low';

export const DORA_REPORT = {
  title: 'Accelerate State of DevOps Report 2024',
  url: 'https://dora.dev/research/2024/dora-report/',
};

const HOUR = 3600;
const DAY = 24 * HOUR;

/** The first level whose bound the value meets (`atMost` true: value ≤ bound; else value ≥ bound). */
function levelOf(
  value: number | null,
  bounds: [number, number, number],
  atMost: boolean,
): DoraLevel | undefined {
  if (value === null) return undefined;
  const levels: DoraLevel[] = ['elite', 'high', 'medium'];
  const index = bounds.findIndex(bound =>
    atMost ? value <= bound : value >= bound,
  );
  return index === -1 ? 'low' : levels[index];
}

/** The level of each metric, undefined where there is nothing to judge (no deployments, no samples). */
export function doraLevels(dora: DoraResponse) {
  const hasDeployments = dora.changeFailRate.total > 0;
  return {
    deploymentFrequency: levelOf(
      hasDeployments ? dora.deploymentFrequency.perDay : null,
      [1, 1 / 7, 1 / 30],
      false,
    ),
    leadTime: levelOf(
      dora.leadTime.medianSeconds,
      [DAY, 7 * DAY, 30 * DAY],
      true,
    ),
    changeFailRate: levelOf(dora.changeFailRate.ratio, [0.05, 0.1, 0.2], true),
    recoveryTime: levelOf(
      dora.recoveryTime.medianSeconds,
      [HOUR, DAY, 7 * DAY],
      true,
    ),
  };
}
