import type {
  DeploymentStatusEvent,
  PullRequestEvent,
  PushEvent,
  ReleaseEvent as GithubReleaseEvent,
  User,
  WorkflowRunEvent,
} from '@octokit/webhooks-types';
import {
  commitInputSchema,
  eventTextSchema,
  httpUrlSchema,
  isCommitShaVersion,
  MAX_COMMITS_PER_EVENT,
  parseReleaseVersion,
  pullRequestInputSchema,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { z } from 'zod';
import {
  CommitsLedgerEvent,
  LedgerEvent,
  PullRequestLedgerEvent,
} from '../database/types';

/**
 * The fields of the webhook-only events (pushed commits, merged pull requests) held to the public
 * event schema's rules, so an over-long author or a control character is refused here (the delivery
 * is ignored with the reason) instead of failing in the database on every retry.
 */
const webhookFactsSchema = z.object({
  commits: z.array(commitInputSchema).max(MAX_COMMITS_PER_EVENT).optional(),
  pullRequest: pullRequestInputSchema.optional(),
  commitSha: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i)
    .optional(),
  actor: eventTextSchema(200).optional(),
  runUrl: httpUrlSchema.optional(),
  occurredAt: releaseEventInputSchema.innerType().shape.occurredAt,
});

/** GitHub events Shiplog subscribes to, as sub-topics of the events system's `github` topic. */
export const GITHUB_EVENT_NAMES = [
  'workflow_run',
  'release',
  'push',
  'pull_request',
  'deployment_status',
] as const;

/** Fields every delivery Shiplog handles carries; the rest is read per event type. */
interface GithubPayload {
  action?: string;
  repository?: { default_branch?: string; full_name?: string };
}

const login = (
  user: Pick<User, 'login'> | null | undefined,
): string | undefined => user?.login ?? undefined;

/** A tag like `v1.4.2` names a release; anything else is identified by its commit. */
function versionOf(ref: string | undefined | null, sha: string): string {
  const tag = ref?.replace(/^refs\/tags\//, '');
  return tag && parseReleaseVersion(tag) ? tag : sha;
}

const WORKFLOW_CONCLUSIONS: Record<
  string,
  'succeeded' | 'failed' | 'cancelled' | undefined
> = {
  success: 'succeeded',
  failure: 'failed',
  timed_out: 'failed',
  startup_failure: 'failed',
  cancelled: 'cancelled',
};

const DEPLOYMENT_STATES: Record<
  string,
  'started' | 'succeeded' | 'failed' | undefined
> = {
  queued: 'started',
  pending: 'started',
  in_progress: 'started',
  success: 'succeeded',
  failure: 'failed',
  error: 'failed',
};

/**
 * Translates one GitHub webhook delivery into ledger events for one entity, or none when the
 * delivery says nothing about releases (a pull-request build, a push to another branch, a closed
 * but unmerged pull request). Payloads are GitHub's own; fields GitHub may omit are optional here.
 */
export function translateGithubEvent(
  eventName: string,
  payload: GithubPayload,
  eventId: string,
  entityRef: string,
): LedgerEvent[] {
  const defaultBranch = payload.repository?.default_branch;
  const base = { id: eventId, entityRef, source: 'github' };

  switch (eventName) {
    case 'workflow_run': {
      const run = (payload as WorkflowRunEvent).workflow_run;
      if (!run) return [];
      // Only builds of the default branch or of a release tag produce releases; pull-request runs do not.
      const onDefault =
        run.head_branch === defaultBranch && run.event !== 'pull_request';
      const isTag = Boolean(
        run.head_branch && parseReleaseVersion(run.head_branch),
      );
      if (!onDefault && !isTag) return [];
      const status =
        payload.action === 'completed'
          ? WORKFLOW_CONCLUSIONS[run.conclusion ?? '']
          : 'started';
      const startedAt = (run as { run_started_at?: string }).run_started_at;
      if (!status) return [];
      return [
        validated({
          ...base,
          type: 'build',
          status,
          version: versionOf(isTag ? run.head_branch : undefined, run.head_sha),
          commitSha: run.head_sha,
          runUrl: run.html_url,
          actor:
            login((run as { triggering_actor?: User }).triggering_actor) ??
            login(run.actor),
          source: 'github-actions',
          occurredAt:
            payload.action === 'completed'
              ? run.updated_at
              : startedAt ?? run.created_at,
        }),
      ];
    }
    case 'release': {
      const release = (payload as GithubReleaseEvent).release;
      if (payload.action !== 'published' || !release?.tag_name) return [];
      const target = release.target_commitish;
      return [
        validated({
          ...base,
          type: 'release',
          status: 'succeeded',
          version: release.tag_name,
          commitSha:
            target && /^[0-9a-f]{40}$/i.test(target) ? target : undefined,
          runUrl: release.html_url,
          actor: login(release.author),
          occurredAt: release.published_at ?? release.created_at,
        }),
      ];
    }
    case 'push': {
      const push = payload as PushEvent;
      if (!defaultBranch || push.ref !== `refs/heads/${defaultBranch}`)
        return [];
      const commits = push.commits ?? [];
      if (!commits.length) return [];
      return [
        validatedFacts<CommitsLedgerEvent>({
          ...base,
          type: 'commits',
          commits: commits.map(commit => ({
            sha: String(commit.id).toLowerCase(),
            message: commit.message,
            author: commit.author?.username || commit.author?.name || undefined,
          })),
          actor: login(push.sender) ?? push.pusher?.name,
          runUrl: push.compare,
          occurredAt: normaliseTime(push.head_commit?.timestamp),
        }),
      ];
    }
    case 'pull_request': {
      const { pull_request: pr, sender } = payload as PullRequestEvent;
      if (payload.action !== 'closed' || !pr?.merged) return [];
      if (defaultBranch && pr.base?.ref !== defaultBranch) return [];
      return [
        validatedFacts<PullRequestLedgerEvent>({
          ...base,
          type: 'pull_request',
          pullRequest: {
            number: pr.number,
            title: pr.title,
            labels: (pr.labels ?? []).map(label => String(label.name)),
            url: pr.html_url,
          },
          commitSha: pr.merge_commit_sha ?? undefined,
          actor: login(pr.merged_by) ?? login(sender),
          runUrl: pr.html_url,
          occurredAt: normaliseTime(pr.merged_at),
        }),
      ];
    }
    case 'deployment_status': {
      const { deployment, deployment_status: state } =
        payload as DeploymentStatusEvent;
      const status = DEPLOYMENT_STATES[state?.state ?? ''];
      if (!deployment || !status) return [];
      const payloadVersion = (
        deployment.payload as { version?: unknown } | undefined
      )?.version;
      return [
        validated({
          ...base,
          type: 'deploy',
          status,
          environment: deployment.environment,
          version:
            typeof payloadVersion === 'string' && payloadVersion
              ? payloadVersion
              : versionOf(deployment.ref, deployment.sha),
          commitSha: deployment.sha,
          runUrl:
            state.target_url || state.log_url || deployment.url || undefined,
          actor: login(state.creator) ?? login(deployment.creator),
          source: 'github-deployments',
          occurredAt: state.updated_at ?? state.created_at,
        }),
      ];
    }
    default:
      return [];
  }
}

/**
 * The id of the GitHub object a delivery reports, so the same deployment status, workflow run attempt,
 * release or merge posted again under a new delivery id is recognised; undefined when there is none.
 */
export function githubObjectKey(
  eventName: string,
  payload: GithubPayload,
): string | undefined {
  const id = (value: unknown) =>
    typeof value === 'number' || (typeof value === 'string' && value)
      ? String(value)
      : undefined;
  const key = (...parts: Array<string | undefined>) =>
    parts.every(Boolean) ? `github:${eventName}:${parts.join(':')}` : undefined;
  switch (eventName) {
    case 'deployment_status':
      return key(id((payload as DeploymentStatusEvent).deployment_status?.id));
    case 'workflow_run': {
      const run = (payload as WorkflowRunEvent).workflow_run;
      return key(id(run?.id), id(run?.run_attempt ?? 1), payload.action);
    }
    case 'release':
      return key(
        id((payload as GithubReleaseEvent).release?.id),
        payload.action,
      );
    case 'pull_request':
      return key(
        id((payload as PullRequestEvent).pull_request?.id),
        payload.action,
      );
    case 'push': {
      const push = payload as PushEvent;
      return key(id(push.ref), id(push.before), id(push.after));
    }
    default:
      return undefined;
  }
}

function normaliseTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    return undefined;
  return new Date(value).toISOString();
}

/**
 * Runs a translated event through the same schema as the public API, so a webhook can never store
 * what a CI job could not. Throws with the field and reason when GitHub sent something unusable.
 */
function validated(event: Record<string, unknown>): LedgerEvent {
  const clean = Object.fromEntries(
    Object.entries(event).filter(
      ([, v]) => v !== undefined && v !== null && v !== '',
    ),
  );
  if (typeof clean.occurredAt === 'string')
    clean.occurredAt = normaliseTime(clean.occurredAt);
  if (typeof clean.version === 'string' && isCommitShaVersion(clean.version))
    clean.version = clean.version.toLowerCase();
  return releaseEventInputSchema.parse(clean);
}

/** Checks a webhook-only event's fields (throws a ZodError naming the field), keeping its shape. */
function validatedFacts<T extends CommitsLedgerEvent | PullRequestLedgerEvent>(
  event: T,
): T {
  const { commits, pullRequest, commitSha, actor, runUrl, occurredAt } =
    event as Partial<CommitsLedgerEvent & PullRequestLedgerEvent>;
  const facts = webhookFactsSchema.parse(
    Object.fromEntries(
      Object.entries({
        commits,
        pullRequest,
        commitSha,
        actor,
        runUrl,
        occurredAt,
      }).filter(([, v]) => v !== undefined && v !== null && v !== ''),
    ),
  );
  return { ...event, ...facts } as T;
}
