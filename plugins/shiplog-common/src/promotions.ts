import { z } from 'zod/v3';
import { environmentNameSchema, findControlCharacter } from './schema';
import { changelogQuerySchema, releasesQuerySchema } from './querySchemas';
import type { CommitSummary, PullRequestSummary } from './types';
import {
  CONVENTIONAL_COMMIT_GROUPS,
  conventionalCommitType,
} from './versioning/conventionalCommits';

/**
 * A promotion's life: guards pass → `requested` → `change_opened` (pull request open) → `merged`
 * (pull request merged or commit pushed) → `synced` (Argo CD started deploying it) → `deployed`.
 * Where the environment requires approval and no pull request can carry the review (plain Git), it
 * waits in `awaiting-approval` before `requested`. It ends `failed` (executor error, pull request
 * closed unmerged, deployment failed, nothing deployed in time), `refused` (a guard, or the values
 * file, refused it), `rejected` (an approver said no) or `cancelled` (by its requester or an approver).
 *
 * @public
 */
export const PROMOTION_STATES = [
  'requested',
  'change_opened',
  'merged',
  'synced',
  'deployed',
  'failed',
  'refused',
  'awaiting-approval',
  'rejected',
  'cancelled',
] as const;

/** @public */
export type PromotionState = (typeof PROMOTION_STATES)[number];

/**
 * States that hold the (entity, environment) lock: at most one promotion per pair is in one of them.
 *
 * @public
 */
export const IN_FLIGHT_PROMOTION_STATES: readonly PromotionState[] = [
  'awaiting-approval',
  'requested',
  'change_opened',
  'merged',
  'synced',
];

/** @public */
export function isPromotionInFlight(state: PromotionState): boolean {
  return IN_FLIGHT_PROMOTION_STATES.includes(state);
}

/**
 * The guards every promotion passes through, in the order they are evaluated.
 *
 * @public
 */
export const PROMOTION_GUARDS = [
  'version-published',
  'no-downgrade',
  'environment-order',
  'no-deploy-label',
  'version-jump',
  'hold',
  'freeze',
  'soak',
] as const;

/** @public */
export type PromotionGuard = (typeof PROMOTION_GUARDS)[number];

/**
 * One guard's verdict on a promotion: `refuse` stops it (422), `warn` is shown before confirming.
 *
 * @public
 */
export interface GuardVerdict {
  guard: PromotionGuard;
  outcome: 'pass' | 'warn' | 'refuse';
  message: string;
  /** For `refuse` and `warn`: what to do to proceed. */
  howToProceed?: string;
}

/**
 * People's words (a reason, a comment) go into commit messages, pull requests, Slack and the database,
 * which cannot store NUL on PostgreSQL: several lines are fine, other control characters are a 400.
 */
function noControlCharacters(value: string, ctx: z.RefinementCtx) {
  const problem = findControlCharacter(value, { multiline: true });
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
}

/** A release version, as the other routes take it, that can also be a tag and part of a branch name. */
const promotionVersionSchema = changelogQuerySchema.shape.to.refine(
  version => !version.includes('/'),
  'must not contain "/"',
);

/**
 * Body of `POST .../promotions`. With `dryRun: true` nothing is changed: the answer is the preview
 * (changelog, every guard's verdict, the change that would be made, whether you may make it).
 *
 * @public
 */
export const promotionRequestSchema = z
  .object({
    version: promotionVersionSchema,
    environment: environmentNameSchema,
    reason: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(1000, 'must be at most 1000 characters')
      .superRefine(noControlCharacters)
      .optional(),
    rollback: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** A rollback holds the environment (auto-promotion stops there) unless this is false. */
    hold: z.boolean().optional(),
    /** Promote into a frozen environment anyway: needs a reason and `shiplog.promotion.override`. */
    overrideFreeze: z.boolean().default(false),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.overrideFreeze && !body.reason && !body.dryRun) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['reason'],
        message:
          'is required with overrideFreeze: true (say why the freeze is overridden)',
      });
    }
    // A preview may leave the reason for later; the promotion itself needs it.
    if (body.rollback && !body.reason && !body.dryRun) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['reason'],
        message:
          'is required with rollback: true (say why the older version goes back)',
      });
    }
  });

/** @public */
export type PromotionRequestInput = z.input<typeof promotionRequestSchema>;
/** @public */
export type PromotionRequest = z.output<typeof promotionRequestSchema>;

/** Query of `GET .../promotions`. @public */
export const promotionsQuerySchema = releasesQuerySchema.extend({
  environment: environmentNameSchema.optional(),
  state: z
    .enum(PROMOTION_STATES, {
      errorMap: () => ({
        message: `must be one of ${PROMOTION_STATES.join(', ')}`,
      }),
    })
    .optional(),
});

/**
 * The GitOps change a promotion makes (or, in a preview, would make).
 *
 * @public
 */
export interface PromotionChange {
  /** The executor that makes it: `github`, `git`, or one a backend module added. */
  executor: string;
  kind: 'pull-request' | 'commit';
  /** The GitOps repository (`shiplog.dev/gitops-repo`). */
  repository: string;
  /** The values file inside it. */
  path: string;
  /** The YAML key path of the tag, e.g. `image.tag`. */
  keyPath: string;
  /** A pull request asks GitHub to merge it once its checks pass. */
  autoMerge?: boolean;
  /** The tag before the change. */
  previousValue?: string;
  /** The pull request's or the commit's web page, when the host has one. */
  url?: string;
  /** The pull request's number. */
  number?: number;
  branch?: string;
  /** The commit the change made (the merge commit once a pull request is merged). */
  commitSha?: string;
}

/**
 * A request to move a version of a component to an environment, and how far it got.
 *
 * @public
 */
export interface Promotion {
  id: string;
  entityRef: string;
  environment: string;
  version: string;
  /** What the environment ran when the promotion was requested. */
  fromVersion?: string;
  state: PromotionState;
  reason?: string;
  rollback: boolean;
  /** Started by Shiplog because the environment before succeeded and this one auto-promotes. */
  automatic: boolean;
  /** The user or service that asked, e.g. `user:default/jane`; `shiplog` for auto-promotions. */
  requestedBy: string;
  requestedAt: string;
  updatedAt: string;
  /** When each state was reached. */
  timeline: Array<{ state: PromotionState; at: string }>;
  guards: GuardVerdict[];
  change?: PromotionChange;
  /** The deployment Argo CD (or CI) reported for it: its status and a link to the sync. */
  deployment?: { status: string; at: string; runUrl?: string };
  /** Why it failed or was refused. */
  error?: string;
  /** The approver's decision, where the environment required approval in the portal. */
  review?: PromotionReview;
  /** Who cancelled it, for a `cancelled` promotion. */
  cancelledBy?: string;
}

/**
 * An approval or rejection of a promotion `awaiting-approval`.
 *
 * @public
 */
export interface PromotionReview {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment?: string;
}

/**
 * Body of `POST .../promotions/{id}/approve`, `reject` and `cancel`.
 *
 * @public
 */
export const promotionDecisionSchema = z
  .object({
    comment: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(1000, 'must be at most 1000 characters')
      .superRefine(noControlCharacters)
      .optional(),
  })
  .strict();

/** @public */
export type PromotionDecision = z.output<typeof promotionDecisionSchema>;

/**
 * Body of `POST .../environments/{env}/hold`.
 *
 * @public
 */
export const environmentHoldRequestSchema = z
  .object({
    reason: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(1000, 'must be at most 1000 characters')
      .superRefine(noControlCharacters),
  })
  .strict();

/** @public */
export type EnvironmentHoldRequest = z.output<
  typeof environmentHoldRequestSchema
>;

/**
 * A hold on an environment: while it lasts, auto-promotion into the environment stops.
 *
 * @public
 */
export interface EnvironmentHold {
  environment: string;
  /** Who placed it, e.g. `user:default/jane`. */
  heldBy: string;
  since: string;
  reason: string;
  /** The rollback that placed it, if one did. */
  promotionId?: string;
}

/**
 * A freeze window (`shiplog.freezes`) that covers an environment now or next.
 *
 * @public
 */
export interface EnvironmentFreeze {
  name: string;
  /** When the window began or begins. */
  from: string;
  /** When it ends. */
  to: string;
  /** True while it lasts. */
  active: boolean;
}

/** A group of a changelog by conventional-commit type. @public */
export interface ChangelogGroup {
  /** `feat`, `fix`, ..., or `other`. */
  type: string;
  title: string;
  commits: CommitSummary[];
}

/**
 * Answer of `POST .../promotions` with `dryRun: true`: what a promotion would do and what stands in
 * its way, shown before the user confirms.
 *
 * @public
 */
export interface PromotionPreview {
  entityRef: string;
  environment: string;
  version: string;
  fromVersion?: string;
  guards: GuardVerdict[];
  /** May the caller promote to this environment (permission `shiplog.promotion.create`)? */
  allowed: boolean;
  /** No guard refuses, the caller is allowed and nothing is in flight. */
  canProceed: boolean;
  /** The promotion in flight to the same environment, which a new one would have to wait for. */
  inFlight?: { id: string; version: string; state: PromotionState };
  /** The change that would be made, or why none can be (missing annotations). */
  change?: PromotionChange;
  changeProblem?: string;
  /** The environment requires approval in the portal (no pull request carries it): the promotion will wait for an approver. */
  awaitsApproval?: boolean;
  /** The freeze window in force in the environment. */
  freeze?: EnvironmentFreeze;
  changelog: {
    commits: CommitSummary[];
    pullRequests: PullRequestSummary[];
    groups: ChangelogGroup[];
    /** Releases between the running and the target version, `fromVersion` excluded. */
    releases: string[];
  };
}

/**
 * Groups commits by conventional-commit type, breaking changes and features first; order inside a
 * group is kept.
 *
 * @public
 */
export function groupCommitsByType(commits: CommitSummary[]): ChangelogGroup[] {
  const byType = new Map<string, CommitSummary[]>();
  for (const commit of commits) {
    const type = conventionalCommitType(commit.message);
    byType.set(type, [...(byType.get(type) ?? []), commit]);
  }
  return CONVENTIONAL_COMMIT_GROUPS.filter(([type]) => byType.has(type)).map(
    ([type, title]) => ({ type, title, commits: byType.get(type)! }),
  );
}
