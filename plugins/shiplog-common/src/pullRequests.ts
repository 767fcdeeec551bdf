import { CommitSummary, PullRequestSummary } from './types';

/**
 * The pull requests of some commits, each once, in the order of their first commit.
 *
 * @public
 */
export function uniquePullRequests(
  commits: CommitSummary[],
): PullRequestSummary[] {
  const seen = new Map<number, PullRequestSummary>();
  for (const { pullRequest } of commits) {
    if (pullRequest && !seen.has(pullRequest.number)) {
      seen.set(pullRequest.number, pullRequest);
    }
  }
  return [...seen.values()];
}
