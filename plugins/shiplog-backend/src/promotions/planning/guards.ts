import {
  CommitSummary,
  GuardVerdict,
  parseReleaseVersion,
} from '@shiplog/plugin-shiplog-common';
import { ReleaseRecord } from '../../database/types';

/** Everything the guards look at, gathered by the service beforehand: the guards are pure. */
export interface GuardContext {
  component: string;
  environment: string;
  version: string;
  rollback: boolean;
  reason?: string;
  automatic: boolean;
  /** The target release as the ledger knows it, if at all. */
  release?: ReleaseRecord;
  /** What the environment runs now. */
  running?: { version: string; versionKey?: string };
  /** The environment before this one in the entity's order; undefined for the first. */
  previousEnvironment?: string;
  /** The environment order is known (configured or annotated). */
  ordered: boolean;
  requirePreviousEnvironment: boolean;
  succeededInPrevious: boolean;
  succeededInTarget: boolean;
  /** Commits between what runs and the target. */
  commits: CommitSummary[];
  /** The release just before the target in release order. */
  predecessor?: ReleaseRecord;
}

const pass = (guard: GuardVerdict['guard'], message: string): GuardVerdict => ({
  guard,
  outcome: 'pass',
  message,
});

function versionPublished(ctx: GuardContext): GuardVerdict {
  const guard = 'version-published';
  if (!ctx.release) {
    return {
      guard,
      outcome: 'refuse',
      message: `${ctx.component} has no release ${ctx.version} in Shiplog`,
      howToProceed:
        'Check the version, or let CI report its build and image (POST /api/shiplog/v1/events) first',
    };
  }
  const publish = ctx.release.publish;
  if (publish?.status !== 'succeeded' || !ctx.release.image) {
    return {
      guard,
      outcome: 'refuse',
      message: `${ctx.version} has no published image (publish ${
        publish ? publish.status : 'never reported'
      })`,
      howToProceed:
        'Wait until CI has pushed the image, or promote a version whose image was published',
    };
  }
  return pass(
    guard,
    `${ctx.version} was published as ${ctx.release.image.repository}:${ctx.release.image.tag}`,
  );
}

function noDowngrade(ctx: GuardContext): GuardVerdict {
  const guard = 'no-downgrade';
  const { running } = ctx;
  if (!running) {
    return pass(guard, `nothing runs in ${ctx.environment} yet`);
  }
  if (running.version === ctx.version) {
    return {
      guard,
      outcome: 'refuse',
      message: `${ctx.environment} already runs ${ctx.version}`,
      howToProceed: 'Nothing to promote: choose another version',
    };
  }
  if (!isOlderThanRunning(ctx)) {
    return pass(guard, `${ctx.version} is newer than ${running.version}`);
  }
  if (ctx.rollback) {
    return {
      guard,
      outcome: 'warn',
      message: `rolls ${ctx.environment} back from ${running.version} to ${
        ctx.version
      }${ctx.reason ? `: ${ctx.reason}` : ''}`,
      howToProceed: 'Confirm only if the rollback is intended',
    };
  }
  return {
    guard,
    outcome: 'refuse',
    message: `${ctx.environment} runs ${running.version}, newer than ${ctx.version}`,
    howToProceed:
      'To roll back, promote again with rollback: true and a reason (the dialog\'s "Rollback" option)',
  };
}

function environmentOrder(ctx: GuardContext): GuardVerdict {
  const guard = 'environment-order';
  if (!ctx.requirePreviousEnvironment) {
    return pass(
      guard,
      'not required (shiplog.promotions.requirePreviousEnvironment is false)',
    );
  }
  if (!ctx.ordered) {
    return pass(guard, 'no environment order is configured');
  }
  if (!ctx.previousEnvironment) {
    return pass(guard, `${ctx.environment} is the first environment`);
  }
  if (ctx.succeededInPrevious) {
    return pass(
      guard,
      `${ctx.version} deployed successfully to ${ctx.previousEnvironment}`,
    );
  }
  if (ctx.rollback && ctx.succeededInTarget) {
    return pass(
      guard,
      `${ctx.version} ran in ${ctx.environment} before (rollback)`,
    );
  }
  return {
    guard,
    outcome: 'refuse',
    message: `${ctx.version} has not deployed successfully to ${ctx.previousEnvironment}, the environment before ${ctx.environment}`,
    howToProceed: `Promote it to ${ctx.previousEnvironment} first and wait until it is deployed there (an administrator can turn this off with shiplog.promotions.requirePreviousEnvironment: false)`,
  };
}

function noDeployLabel(ctx: GuardContext): GuardVerdict {
  const guard = 'no-deploy-label';
  const label = `no-deploy-to-${ctx.environment}`;
  if (ctx.rollback) {
    return pass(guard, 'a rollback adds no pull requests');
  }
  const labelled = new Map<number, string>();
  for (const commit of ctx.commits) {
    const pr = commit.pullRequest;
    if (pr?.labels.includes(label)) {
      labelled.set(pr.number, pr.title ?? commit.message ?? '');
    }
  }
  if (!labelled.size) {
    return pass(guard, `no pull request in it is labelled ${label}`);
  }
  const list = [...labelled]
    .map(([number, title]) => `#${number}${title ? ` (${title})` : ''}`)
    .join(', ');
  return ctx.automatic
    ? {
        guard,
        outcome: 'refuse',
        message: `not auto-promoted: ${list} ${
          labelled.size > 1 ? 'are' : 'is'
        } labelled ${label}`,
        howToProceed: `Promote it by hand once the change may go to ${ctx.environment}, or remove the label`,
      }
    : {
        guard,
        outcome: 'warn',
        message: `${list} ${
          labelled.size > 1 ? 'are' : 'is'
        } labelled ${label}`,
        howToProceed:
          'Check with the authors that the change may go there before you confirm',
      };
}

/** Is `next` what naturally follows `previous`: the next patch, minor or major (or its prerelease)? */
function isNaturalSuccessor(previous: string, next: string): boolean {
  const p = parseReleaseVersion(previous);
  const n = parseReleaseVersion(next);
  if (!p || !n) return true;
  const same = (a: number[], b: number[]) => a.every((x, i) => x === b[i]);
  const core = [n.major, n.minor, n.patch];
  return [
    [p.major, p.minor, p.patch],
    [p.major, p.minor, p.patch + 1],
    [p.major, p.minor + 1, 0],
    [p.major + 1, 0, 0],
  ].some(candidate => same(candidate, core));
}

function versionJump(ctx: GuardContext): GuardVerdict {
  const guard = 'version-jump';
  const previous = ctx.predecessor?.version;
  if (!previous || !ctx.release) {
    return pass(guard, `${ctx.version} is the first release Shiplog knows`);
  }
  if (!parseReleaseVersion(previous) || !parseReleaseVersion(ctx.version)) {
    return pass(guard, 'not semantic versions');
  }
  if (isNaturalSuccessor(previous, ctx.version)) {
    return pass(guard, `${ctx.version} follows ${previous}`);
  }
  return {
    guard,
    outcome: 'warn',
    message: `${ctx.version} follows ${previous}: the versions between were never released (a typo in the tag?)`,
    howToProceed: 'Check that the tag is the one you mean; if it is, go ahead',
  };
}

/** Every guard's verdict, in PROMOTION_GUARDS order. */
/** Is the target older than what runs? Only then is `rollback: true` a rollback. */
export function isOlderThanRunning(ctx: GuardContext): boolean {
  const targetKey = ctx.release?.versionKey;
  const runningKey = ctx.running?.versionKey;
  return (
    targetKey !== undefined &&
    runningKey !== undefined &&
    targetKey < runningKey
  );
}

export function evaluateGuards(request: GuardContext): GuardVerdict[] {
  // `rollback: true` on a newer version must not lift the guards a forward promotion gets.
  const ctx = {
    ...request,
    rollback: Boolean(request.rollback) && isOlderThanRunning(request),
  };
  return [
    versionPublished(ctx),
    noDowngrade(ctx),
    environmentOrder(ctx),
    noDeployLabel(ctx),
    versionJump(ctx),
  ];
}
