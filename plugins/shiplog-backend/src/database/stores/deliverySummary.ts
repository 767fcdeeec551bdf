import { median } from '../weeks';
import { DeliverySummary, DeliveryWeekFacts, DurationMedian } from './types';

const durationsOf = (values: number[]): DurationMedian => ({
  median: median(values),
  samples: values.length,
});

/**
 * What DORA shows of the weekly facts: the counts per week, each week's median lead time and the
 * window's medians. Summed here, not in the database: PostgreSQL's percentile_cont over the buckets'
 * unnested lists took several times longer than reading the lists (measured by bench/orgViews.ts).
 */
export function summarizeFacts(weeks: DeliveryWeekFacts[]): DeliverySummary {
  const leadTimes: number[] = [];
  const recoveries: number[] = [];
  for (const week of weeks) {
    for (const ms of week.leadTimes) leadTimes.push(ms);
    for (const ms of week.recoveries) recoveries.push(ms);
  }
  return {
    weeks: weeks.map(week => ({
      weekStart: week.weekStart,
      total: week.total,
      succeeded: week.succeeded,
      failing: week.failing,
      rework: week.rework,
      leadTimeMedian: median(week.leadTimes),
    })),
    leadTimes: durationsOf(leadTimes),
    recoveries: durationsOf(recoveries),
  };
}
