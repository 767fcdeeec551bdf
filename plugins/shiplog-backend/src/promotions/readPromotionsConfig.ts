import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds, HumanDuration } from '@backstage/types';
import { isAbsolute } from 'node:path';

export interface PromotionsConfig {
  /** Only what succeeded in the environment before may be promoted. */
  requirePreviousEnvironment: boolean;
  /** Ask GitHub to merge a promotion's pull request once its checks pass, where no approval is required. */
  autoMerge: boolean;
  /** Labels every promotion pull request gets, besides `promote-to-<env>` (and `rollback`). */
  labels: string[];
  /** How long a merged promotion waits for its deployment before it is marked failed. */
  deployTimeoutMs: number;
  /** How often an open pull request is asked about. */
  pullRequestPollMs: number;
  /** The deadline of one executor call: shorter than the sweep that frees a stale lock. */
  executorTimeoutMs: number;
  gitops: {
    allowedFileRoots: string[];
    author: { name: string; email: string };
    commandTimeoutMs: number;
  };
}

function duration(
  config: Config,
  key: string,
  fallback: HumanDuration,
): number {
  return durationToMilliseconds(
    config.has(key) ? readDurationFromConfig(config, { key }) : fallback,
  );
}

/** A promotion still `requested` this long after it got there was interrupted: the tracker frees its lock. */
export const STALE_REQUEST_MS = 10 * 60 * 1000;

function executorTimeout(config: Config): number {
  const key = 'shiplog.promotions.executorTimeout';
  const ms = duration(config, key, { minutes: 5 });
  if (!(ms > 0 && ms < STALE_REQUEST_MS)) {
    throw new InputError(
      `${key} must be longer than zero and shorter than ${
        STALE_REQUEST_MS / 60_000
      } minutes (after which an interrupted promotion's lock is freed)`,
    );
  }
  return ms;
}

/** Reads `shiplog.promotions` and `shiplog.gitops`, failing start-up with the offending key. */
export function readPromotionsConfig(config: Config): PromotionsConfig {
  const allowedFileRoots =
    config.getOptionalStringArray('shiplog.gitops.allowedFileRoots') ?? [];
  allowedFileRoots.forEach((root, index) => {
    if (!isAbsolute(root)) {
      throw new InputError(
        `shiplog.gitops.allowedFileRoots[${index}] "${root}" must be an absolute path`,
      );
    }
  });
  return {
    requirePreviousEnvironment:
      config.getOptionalBoolean(
        'shiplog.promotions.requirePreviousEnvironment',
      ) ?? true,
    autoMerge:
      config.getOptionalBoolean('shiplog.promotions.autoMerge') ?? true,
    labels: config.getOptionalStringArray('shiplog.promotions.labels') ?? [
      'shiplog-promotion',
    ],
    deployTimeoutMs: duration(config, 'shiplog.promotions.deployTimeout', {
      hours: 24,
    }),
    executorTimeoutMs: executorTimeout(config),
    pullRequestPollMs: duration(
      config,
      'shiplog.promotions.pullRequestPollInterval',
      { seconds: 30 },
    ),
    gitops: {
      allowedFileRoots,
      author: {
        name:
          config.getOptionalString('shiplog.gitops.author.name') ?? 'Shiplog',
        email:
          config.getOptionalString('shiplog.gitops.author.email') ??
          'shiplog@localhost',
      },
      commandTimeoutMs: duration(config, 'shiplog.gitops.commandTimeout', {
        seconds: 60,
      }),
    },
  };
}
