import type { BootstrapPlan, PlannedEnvironment } from '../plan';
import type { WorkflowStep } from '../runtimes';
import { reportingEnv, reportStep, runsOn } from './githubSteps';
import { helmUpgradeCommand } from './helm';

/** Steps that give the job a kubeconfig: EKS through OIDC, or the environment's KUBE_CONFIG secret. */
function clusterAccess(plan: BootstrapPlan): WorkflowStep[] {
  const { eks } = plan.input.deploy;
  if (!eks) {
    return [
      {
        name: 'Kubeconfig of the environment',
        env: { KUBE_CONFIG: '${{ secrets.KUBE_CONFIG }}' },
        run: 'umask 077\necho "$KUBE_CONFIG" | base64 -d > "$RUNNER_TEMP/kubeconfig"\necho "KUBECONFIG=$RUNNER_TEMP/kubeconfig" >> "$GITHUB_ENV"\n',
      },
    ];
  }
  return [
    {
      name: 'Assume the deploy role (OIDC)',
      uses: 'aws-actions/configure-aws-credentials@v4',
      with: { 'role-to-assume': eks.roleArn, 'aws-region': eks.region },
    },
    {
      name: `Kubeconfig of ${eks.cluster}${
        eks.privateEndpoint ? ' (private endpoint, from inside the VPC)' : ''
      }`,
      run: `aws eks update-kubeconfig --name ${eks.cluster} --region ${eks.region}`,
    },
  ];
}

function deployJob(
  plan: BootstrapPlan,
  environment: PlannedEnvironment,
  previous: string | undefined,
) {
  const label = `no-deploy-to-${environment.name}`;
  const version = '${{ needs.release.outputs.version }}';
  return {
    // In order: an environment is deployed only after the one before it succeeded.
    needs: previous ? ['release', previous] : ['release'],
    if: `needs.release.outputs.version != '' && !contains(fromJSON(needs.release.outputs.labels || '[]'), '${label}')`,
    'runs-on': runsOn(plan),
    'timeout-minutes': 20,
    // A GitHub environment: its protection rules (reviewers for production) and its own secrets.
    environment: environment.name,
    concurrency: {
      group: `deploy-${environment.name}`,
      'cancel-in-progress': false,
    },
    permissions: {
      contents: 'read',
      ...(plan.input.deploy.eks ? { 'id-token': 'write' } : {}),
    },
    env: {
      ...reportingEnv(`deploy-${environment.name}`),
      ENVIRONMENT: environment.name,
      VERSION: version,
    },
    steps: [
      { uses: 'actions/checkout@v4' },
      reportStep('Report deploy started', 'deploy', 'started', { version }),
      ...clusterAccess(plan),
      { uses: 'azure/setup-helm@v4' },
      {
        name: `Deploy to ${environment.name}`,
        run: helmUpgradeCommand(plan, environment),
      },
      reportStep('Report deploy succeeded', 'deploy', 'succeeded', { version }),
      reportStep('Report deploy failed', 'deploy', 'failed', {
        version,
        if: 'failure()',
      }),
      reportStep('Report deploy cancelled', 'deploy', 'cancelled', {
        version,
        if: 'cancelled()',
      }),
    ],
  };
}

/** One job per environment, each needing the one before: helm-from-ci mode. */
export function githubDeployJobs(plan: BootstrapPlan): Record<string, object> {
  const jobs: Record<string, object> = {};
  let previous: string | undefined;
  for (const environment of plan.environments) {
    const id = `deploy-${environment.name}`;
    jobs[id] = deployJob(plan, environment, previous);
    previous = id;
  }
  return jobs;
}
