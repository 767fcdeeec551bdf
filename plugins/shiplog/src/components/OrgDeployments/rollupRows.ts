import {
  RollupComponent,
  RollupResponse,
} from '@shiplog/plugin-shiplog-common';

/** How the table orders components: the most behind first, the failing first, or by name. */
export type RollupSort = 'behind' | 'failing' | 'name';

export interface RollupFilter {
  text: string;
  onlyFailing: boolean;
  onlyDrifting: boolean;
}

/** Releases a component's environments are behind the ones before them, summed. */
export function releasesBehind(component: RollupComponent): number {
  return Object.values(component.environments).reduce(
    (sum, cell) => sum + (cell.behindReleases ?? 0),
    0,
  );
}

/** Drifting: an environment that ran something runs less than the one before it. */
export function isDrifting(component: RollupComponent): boolean {
  return Object.values(component.environments).some(
    cell => cell.version !== undefined && (cell.behindReleases ?? 0) > 0,
  );
}

const nameOf = (component: RollupComponent) =>
  component.title ?? component.entityRef.replace(/^component:(default\/)?/, '');

const byName = (a: RollupComponent, b: RollupComponent) =>
  nameOf(a).localeCompare(nameOf(b));

const byBehind = (a: RollupComponent, b: RollupComponent) =>
  releasesBehind(b) - releasesBehind(a) ||
  b.undeployedCommits - a.undeployedCommits;

const byFailing = (a: RollupComponent, b: RollupComponent) =>
  Number(b.failing) - Number(a.failing);

const ORDER: Record<
  RollupSort,
  Array<(a: RollupComponent, b: RollupComponent) => number>
> = {
  behind: [byBehind, byFailing, byName],
  failing: [byFailing, byBehind, byName],
  name: [byName],
};

/** The rows to show: filtered by name or title, failing or drifting, then ordered. */
export function rollupRows(
  rollup: RollupResponse,
  sort: RollupSort,
  filter: RollupFilter,
): RollupComponent[] {
  const text = filter.text.trim().toLocaleLowerCase();
  return rollup.components
    .filter(
      c =>
        !text ||
        c.entityRef.includes(text) ||
        (c.title ?? '').toLocaleLowerCase().includes(text),
    )
    .filter(c => !filter.onlyFailing || c.failing)
    .filter(c => !filter.onlyDrifting || isDrifting(c))
    .sort((a, b) => {
      for (const compare of ORDER[sort]) {
        const order = compare(a, b);
        if (order) return order;
      }
      return 0;
    });
}

/** The headline numbers of a rollup, for the overview card. */
export function rollupSummary(rollup: RollupResponse) {
  return {
    components: rollup.components.length,
    failing: rollup.components.filter(c => c.failing).length,
    drifting: rollup.components.filter(isDrifting).length,
    undeployedCommits: rollup.components.reduce(
      (sum, c) => sum + c.undeployedCommits,
      0,
    ),
  };
}

export { nameOf as componentName };
