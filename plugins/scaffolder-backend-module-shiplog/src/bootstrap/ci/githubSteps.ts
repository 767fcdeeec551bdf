import type { BootstrapPlan } from '../plan';
import type { WorkflowStep } from '../runtimes';
import { EVENT_SCRIPT_PATH } from './scripts';

/** A step posting one event; `version` is the expression of the version it reports. */
export const reportStep = (
  name: string,
  type: string,
  status: string,
  extra: { if?: string; env?: Record<string, string>; version?: string } = {},
): WorkflowStep => ({
  name,
  ...(extra.if ? { if: extra.if } : {}),
  // Step outputs are not available in a job's env, so each report reads the version itself.
  env: {
    VERSION: extra.version ?? '${{ steps.version.outputs.version }}',
    ...extra.env,
  },
  run: `bash ${EVENT_SCRIPT_PATH} ${type} ${status}`,
});

const RUN = '${{ github.run_id }}-${{ github.run_attempt }}';

/** What every reporting job sets; `job` keeps event ids of different jobs of one run apart. */
export const reportingEnv = (job: string) => ({
  SHIPLOG_TOKEN: '${{ secrets.SHIPLOG_TOKEN }}',
  // Unique per run, attempt and job, stable across retries of one post.
  EVENT_ID_PREFIX: `gha-\${{ github.repository_id }}-${RUN}${
    job === 'build' ? '' : `-${job}`
  }`,
  COMMIT_SHA: '${{ github.sha }}',
  RUN_URL:
    '${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}/attempts/${{ github.run_attempt }}',
  ACTOR: '${{ github.actor }}',
  SOURCE: 'github-actions',
});

/** `runs-on` from the template's runner labels: one label as a string, several as a list. */
export function runsOn(plan: BootstrapPlan): string | string[] {
  const labels = plan.input.runnerLabels ?? ['ubuntu-latest'];
  return labels.length === 1 ? labels[0] : labels;
}
