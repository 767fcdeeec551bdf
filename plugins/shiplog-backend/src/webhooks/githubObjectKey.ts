import type {
  DeploymentStatusEvent,
  PullRequestEvent,
  PushEvent,
  ReleaseEvent as GithubReleaseEvent,
  WorkflowRunEvent,
} from '@octokit/webhooks-types';

/**
 * The id of the GitHub object a delivery reports, so the same deployment status, workflow run attempt,
 * release or merge posted again under a new delivery id is recognised; undefined when there is none.
 */
export function githubObjectKey(
  eventName: string,
  payload: object,
): string | undefined {
  const { action } = payload as { action?: string };
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
      return key(id(run?.id), id(run?.run_attempt ?? 1), action);
    }
    case 'release':
      return key(id((payload as GithubReleaseEvent).release?.id), action);
    case 'pull_request':
      return key(id((payload as PullRequestEvent).pull_request?.id), action);
    case 'push': {
      const push = payload as PushEvent;
      return key(id(push.ref), id(push.before), id(push.after));
    }
    default:
      return undefined;
  }
}
