import type { BootstrapPlan, PlannedEnvironment } from '../plan';

/** The Helm release of one environment, shared by both CI systems. */
export function helmUpgradeCommand(
  plan: BootstrapPlan,
  environment: PlannedEnvironment,
): string {
  const chart = plan.gitops.chartPath;
  return [
    `helm upgrade --install ${plan.input.name} ${chart}`,
    `--namespace ${environment.appName} --create-namespace`,
    `--values ${environment.valuesPath}`,
    '--set-string image.tag="$VERSION"',
    // --atomic rolls a failed upgrade back, so a failed deploy leaves the previous release running.
    '--wait --atomic --timeout 10m',
  ].join(' \\\n  ');
}
