import { z } from 'zod/v3';
import type { DeploymentStatus } from './types';

/** One cell of a rollup: what a component runs in one environment, and how far behind the one before. @public */
export interface RollupCell {
  version?: string;
  status?: DeploymentStatus;
  /** When the current version started running there (ISO 8601). */
  since?: string;
  /** Releases the environment before it runs that this one does not. */
  behindReleases?: number;
  behindCommits?: number;
}

/** A component of a rollup. @public */
export interface RollupComponent {
  entityRef: string;
  title?: string;
  environments: Record<string, RollupCell>;
  /** Commits merged after the newest release running anywhere on its promotion path. */
  undeployedCommits: number;
  /** The last attempt in one of its environments failed. */
  failing: boolean;
}

/** Answer of `GET .../rollup`: the components an entity covers × environments. @public */
export interface RollupResponse {
  environments: string[];
  components: RollupComponent[];
}

/** A ratio of DORA's: `ratio` is null when nothing was counted. @public */
export interface DoraRatio {
  total: number;
  ratio: number | null;
}

/** One week (from Monday 00:00 UTC) of DORA's weekly series. @public */
export interface DoraWeek {
  weekStart: string;
  deployments: number;
  leadTimeMedianSeconds: number | null;
  changeFailRate: number | null;
}

/** Answer of `GET .../dora`: DORA's five metrics over [from, to) in the production environment. @public */
export interface DoraResponse {
  from: string;
  to: string;
  environment: string;
  /** How many components the entity covers. */
  components: number;
  deploymentFrequency: { deployments: number; perDay: number };
  leadTime: { medianSeconds: number | null; samples: number };
  changeFailRate: DoraRatio & { failed: number };
  recoveryTime: { medianSeconds: number | null; samples: number };
  reworkRate: DoraRatio & { unplanned: number };
  weekly: DoraWeek[];
}

/** The longest window `GET .../dora` answers for, so one request cannot ask for years of weekly series. @public */
export const MAX_DORA_WINDOW_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

const instantSchema = z
  .string()
  .trim()
  .refine(
    value =>
      /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) &&
      !Number.isNaN(Date.parse(value)),
    'must be a date (2026-01-31) or an ISO 8601 date-time with a time zone',
  )
  .transform(value => Date.parse(value));

/**
 * Query of `GET .../dora`: `[from, to)`, by default the 30 days before now. Parsed into epoch ms.
 *
 * @public
 */
export function parseDoraWindow(
  query: { from?: string; to?: string },
  now = Date.now(),
): { from: number; to: number } | { error: string } {
  const parsed = z
    .object({ from: instantSchema.optional(), to: instantSchema.optional() })
    .safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue.path.join('.')}: ${issue.message}` };
  }
  const to = parsed.data.to ?? now;
  const from = parsed.data.from ?? to - 30 * DAY_MS;
  if (from >= to) {
    return { error: 'from: must be before to' };
  }
  if (to - from > MAX_DORA_WINDOW_DAYS * DAY_MS) {
    return {
      error: `from: the window may span at most ${MAX_DORA_WINDOW_DAYS} days`,
    };
  }
  return { from, to };
}
