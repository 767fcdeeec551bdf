import { DoraResponse, DoraWeek } from '@shiplog/plugin-shiplog-common';
import {
  DeliveryMetricsStore,
  DeliveryWeekFacts,
  DeliveryWindow,
} from '../database/stores';
import { DAY_MS, median, weekStartsOf } from '../database/weeks';

const ratio = (part: number, total: number) => (total ? part / total : null);
const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

function totalsOf(weeks: DeliveryWeekFacts[]) {
  const totals = { total: 0, succeeded: 0, failing: 0, rework: 0 };
  const leadTimes: number[] = [];
  const recoveries: number[] = [];
  for (const week of weeks) {
    totals.total += week.total;
    totals.succeeded += week.succeeded;
    totals.failing += week.failing;
    totals.rework += week.rework;
    for (const ms of week.leadTimes) leadTimes.push(ms);
    for (const ms of week.recoveries) recoveries.push(ms);
  }
  return { ...totals, leadTimes, recoveries };
}

/**
 * DORA's five metrics for some components in their production environment over [from, to), as
 * DESIGN.md defines them: deployment frequency (succeeded finished deployments, per day), lead time
 * (median, commit time → first succeeded deployment containing it), change fail rate (failed or
 * rolled back by the next one, over all finished), recovery time (median, failing finish → next
 * success) and rework rate (rollbacks and releases with a `hotfix` pull request, over all). The store
 * gives each week's counts and every lead and recovery time, so the medians are exact.
 */
export async function computeDora(
  store: DeliveryMetricsStore,
  window: DeliveryWindow,
): Promise<DoraResponse> {
  const weeks = await store.weeklyFacts(window);
  const totals = totalsOf(weeks);
  const byWeek = new Map(weeks.map(week => [week.weekStart, week]));
  const weekly = weekStartsOf(window.from, window.to).map(
    (weekStart): DoraWeek => {
      const week = byWeek.get(weekStart);
      return {
        weekStart: new Date(weekStart).toISOString(),
        deployments: week?.succeeded ?? 0,
        leadTimeMedianSeconds: seconds(median(week?.leadTimes ?? [])),
        changeFailRate: week ? ratio(week.failing, week.total) : null,
      };
    },
  );
  return {
    from: new Date(window.from).toISOString(),
    to: new Date(window.to).toISOString(),
    environment: window.environment,
    components: window.entityRefs.length,
    deploymentFrequency: {
      deployments: totals.succeeded,
      perDay: totals.succeeded / ((window.to - window.from) / DAY_MS),
    },
    leadTime: {
      medianSeconds: seconds(median(totals.leadTimes)),
      samples: totals.leadTimes.length,
    },
    changeFailRate: {
      failed: totals.failing,
      total: totals.total,
      ratio: ratio(totals.failing, totals.total),
    },
    recoveryTime: {
      medianSeconds: seconds(median(totals.recoveries)),
      samples: totals.recoveries.length,
    },
    reworkRate: {
      unplanned: totals.rework,
      total: totals.total,
      ratio: ratio(totals.rework, totals.total),
    },
    weekly,
  };
}
