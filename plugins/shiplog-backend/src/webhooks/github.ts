import type {
  DeploymentStatusEvent,
  PullRequestEvent,
  PushEvent,
  ReleaseEvent as GithubReleaseEvent,
  User,
  WorkflowRunEvent,
} from '@octokit/webhooks-types';
import {
  isCommitShaVersion,
  parseReleaseVersion,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import {
  CommitsLedgerEvent,
  LedgerEvent,
  PullRequestLedgerEvent,
} from '../database/types';
import type { IngestEventSchema } from '../ingest/readIngestSchema';
import { validatedFacts } from './webhookFacts';

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

/** Fields every translated event shares, and the schema (with the configured clock skew) it must pass. */
type Base = {
  id: string;
  entityRef: string;
  source: string;
  schema: IngestEventSchema;
};

/** A build of the default branch or of a release tag; pull-request runs produce no release. */
function fromWorkflowRun(
  payload: GithubPayload,
  base: Base,
  defaultBranch?: string,
): LedgerEvent[] {
  const run = (payload as WorkflowRunEvent).workflow_run;
  if (!run) return [];
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
    validated(base, {
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

function fromRelease(payload: GithubPayload, base: Base): LedgerEvent[] {
  const release = (payload as GithubReleaseEvent).release;
  if (payload.action !== 'published' || !release?.tag_name) return [];
  const target = release.target_commitish;
  return [
    validated(base, {
      type: 'release',
      status: 'succeeded',
      version: release.tag_name,
      commitSha: target && /^[0-9a-f]{40}$/i.test(target) ? target : undefined,
      runUrl: release.html_url,
      actor: login(release.author),
      occurredAt: release.published_at ?? release.created_at,
    }),
  ];
}

/** Commits pushed to the default branch. */
function fromPush(
  payload: GithubPayload,
  base: Base,
  defaultBranch?: string,
): LedgerEvent[] {
  const push = payload as PushEvent;
  if (!defaultBranch || push.ref !== `refs/heads/${defaultBranch}`) return [];
  const commits = push.commits ?? [];
  if (!commits.length) return [];
  return [
    validatedFacts<CommitsLedgerEvent>(
      {
        ...withoutSchema(base),
        type: 'commits',
        commits: commits.map(commit => ({
          sha: String(commit.id).toLowerCase(),
          message: commit.message,
          author: commit.author?.username || commit.author?.name || undefined,
        })),
        actor: login(push.sender) ?? push.pusher?.name,
        runUrl: push.compare,
        occurredAt: normaliseTime(push.head_commit?.timestamp),
      },
      base.schema,
    ),
  ];
}

/** A pull request merged into the default branch. */
function fromPullRequest(
  payload: GithubPayload,
  base: Base,
  defaultBranch?: string,
): LedgerEvent[] {
  const { pull_request: pr, sender } = payload as PullRequestEvent;
  if (payload.action !== 'closed' || !pr?.merged) return [];
  if (defaultBranch && pr.base?.ref !== defaultBranch) return [];
  return [
    validatedFacts<PullRequestLedgerEvent>(
      {
        ...withoutSchema(base),
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
      },
      base.schema,
    ),
  ];
}

function fromDeploymentStatus(
  payload: GithubPayload,
  base: Base,
): LedgerEvent[] {
  const { deployment, deployment_status: state } =
    payload as DeploymentStatusEvent;
  const status = DEPLOYMENT_STATES[state?.state ?? ''];
  if (!deployment || !status) return [];
  const payloadVersion = (
    deployment.payload as { version?: unknown } | undefined
  )?.version;
  return [
    validated(base, {
      type: 'deploy',
      status,
      environment: deployment.environment,
      version:
        typeof payloadVersion === 'string' && payloadVersion
          ? payloadVersion
          : versionOf(deployment.ref, deployment.sha),
      commitSha: deployment.sha,
      runUrl: state.target_url || state.log_url || deployment.url || undefined,
      actor: login(state.creator) ?? login(deployment.creator),
      source: 'github-deployments',
      occurredAt: state.updated_at ?? state.created_at,
    }),
  ];
}

const TRANSLATORS: Record<
  (typeof GITHUB_EVENT_NAMES)[number],
  (payload: GithubPayload, base: Base, defaultBranch?: string) => LedgerEvent[]
> = {
  workflow_run: fromWorkflowRun,
  release: fromRelease,
  push: fromPush,
  pull_request: fromPullRequest,
  deployment_status: fromDeploymentStatus,
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
  schema: IngestEventSchema = releaseEventInputSchema,
): LedgerEvent[] {
  const translate = Object.prototype.hasOwnProperty.call(TRANSLATORS, eventName)
    ? TRANSLATORS[eventName as keyof typeof TRANSLATORS]
    : undefined;
  if (!translate) return [];
  return translate(
    payload,
    { id: eventId, entityRef, source: 'github', schema },
    payload.repository?.default_branch,
  );
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
function validated(
  { schema, ...base }: Base,
  fields: Record<string, unknown>,
): LedgerEvent {
  const clean: Record<string, unknown> = Object.fromEntries(
    Object.entries({ ...base, ...fields }).filter(
      ([, v]) => v !== undefined && v !== null && v !== '',
    ),
  );
  if (typeof clean.occurredAt === 'string')
    clean.occurredAt = normaliseTime(clean.occurredAt);
  if (typeof clean.version === 'string' && isCommitShaVersion(clean.version))
    clean.version = clean.version.toLowerCase();
  return schema.parse(clean);
}

/** The base fields of an event, without the schema it is checked against. */
function withoutSchema({ schema: _schema, ...fields }: Base) {
  return fields;
}
