import { DoraResponse, DoraWeek } from '@shiplog/plugin-shiplog-common';
import { DeliveryMetricsStore, DeliveryWindow } from '../database/stores';
import { DAY_MS, weekStartsOf } from '../database/weeks';

const ratio = (part: number, total: number) => (total ? part / total : null);
const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

/**
 * DORA's five metrics for some components in their production environment over [from, to), as
 * DESIGN.md defines them: deployment frequency (succeeded finished deployments, per day), lead time
 * (median, commit time → first succeeded deployment containing it), change fail rate (failed or
 * rolled back by the next one, over all finished), recovery time (median, failing finish → next
 * success) and rework rate (rollbacks and releases with a `hotfix` pull request, over all). The store
 * sums each week and takes the exact medians of every lead and recovery time.
 */
export async function computeDora(
  store: DeliveryMetricsStore,
  window: DeliveryWindow,
): Promise<DoraResponse> {
  const summary = await store.summarize(window);
  const totals = { total: 0, succeeded: 0, failing: 0, rework: 0 };
  for (const week of summary.weeks) {
    totals.total += week.total;
    totals.succeeded += week.succeeded;
    totals.failing += week.failing;
    totals.rework += week.rework;
  }
  const byWeek = new Map(summary.weeks.map(week => [week.weekStart, week]));
  const weekly = weekStartsOf(window.from, window.to).map(
    (weekStart): DoraWeek => {
      const week = byWeek.get(weekStart);
      return {
        weekStart: new Date(weekStart).toISOString(),
        deployments: week?.succeeded ?? 0,
        leadTimeMedianSeconds: seconds(week?.leadTimeMedian ?? null),
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
      medianSeconds: seconds(summary.leadTimes.median),
      samples: summary.leadTimes.samples,
    },
    changeFailRate: {
      failed: totals.failing,
      total: totals.total,
      ratio: ratio(totals.failing, totals.total),
    },
    recoveryTime: {
      medianSeconds: seconds(summary.recoveries.median),
      samples: summary.recoveries.samples,
    },
    reworkRate: {
      unplanned: totals.rework,
      total: totals.total,
      ratio: ratio(totals.rework, totals.total),
    },
    weekly,
  };
}
