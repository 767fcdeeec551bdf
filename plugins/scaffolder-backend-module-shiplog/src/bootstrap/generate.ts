import type { WorkspaceFile } from '../actions/workspace';
import {
  EVENT_SCRIPT,
  EVENT_SCRIPT_PATH,
  githubWorkflow,
  jenkinsfile,
  LABELS_SCRIPT,
  LABELS_SCRIPT_PATH,
  RELEASE_SCRIPT,
  RELEASE_SCRIPT_PATH,
} from './ci';
import { argoApplications, catalogInfo, helmChart } from './deploy';
import { secretName } from './secrets';
import type { BootstrapPlan } from './plan';
import { registryLogin } from './registries';
import { RUNTIME_PROFILES } from './runtimes';

/** The files of one bootstrap, grouped by the directory they are written to. */
export interface GeneratedFiles {
  /** The new service repository's files, relative to its root. */
  service: WorkspaceFile[];
  /** Chart, values and Applications, relative to the GitOps repository's root. */
  gitops: WorkspaceFile[];
}

export const WORKFLOW_PATH = '.github/workflows/ci.yaml';

export function generateFiles(plan: BootstrapPlan): GeneratedFiles {
  const { input, repository } = plan;
  const runtime = RUNTIME_PROFILES[input.runtime];
  const service: WorkspaceFile[] = [
    { path: 'Dockerfile', content: runtime.dockerfile(input.name) },
    { path: '.dockerignore', content: dockerignore(runtime.dockerignore) },
    { path: EVENT_SCRIPT_PATH, content: EVENT_SCRIPT, executable: true },
    { path: RELEASE_SCRIPT_PATH, content: RELEASE_SCRIPT, executable: true },
    input.ci === 'jenkins'
      ? { path: 'Jenkinsfile', content: jenkinsfile(plan) }
      : { path: WORKFLOW_PATH, content: githubWorkflow(plan) },
    { path: 'catalog-info.yaml', content: catalogInfo(plan) },
    { path: 'README.md', content: readme(plan), keepExisting: true },
  ];
  if (input.deploy.mode === 'helm-from-ci') {
    service.push({
      path: LABELS_SCRIPT_PATH,
      content: LABELS_SCRIPT,
      executable: true,
    });
  }
  if (input.skeleton) {
    const modulePath = `${repository.host}/${repository.owner}/${repository.repo}`;
    for (const [path, content] of Object.entries(
      runtime.skeleton(input.name, modulePath),
    )) {
      service.push({ path, content, keepExisting: true });
    }
  }
  const gitops = Object.entries({
    ...helmChart(plan),
    // In helm-from-ci mode the pipeline deploys; no Argo CD Application competes with it.
    ...(input.deploy.mode === 'argocd' ? argoApplications(plan) : {}),
  }).map(([path, content]) => ({ path, content }));
  return { service, gitops };
}

function dockerignore(runtimeEntries: string[]): string {
  // The build context carries only what the image needs: no VCS data, CI or deploy files.
  return `${[
    '.git',
    '.github',
    'Jenkinsfile',
    'ci',
    'deploy',
    'catalog-info.yaml',
    '*.md',
    'Dockerfile',
    '.dockerignore',
    ...runtimeEntries,
  ].join('\n')}\n`;
}

const syncMode = (production: boolean) => (production ? 'manual' : 'automated');

function readme(plan: BootstrapPlan): string {
  const { input } = plan;
  const ci =
    input.ci === 'jenkins'
      ? '`Jenkinsfile` (multibranch pipeline; credential `shiplog-ci-token`)'
      : `\`${WORKFLOW_PATH}\` (repository secret \`SHIPLOG_TOKEN\`)`;
  const environments = plan.environments
    .map(
      environment =>
        `| ${environment.name} | \`${environment.valuesPath}\` | ${
          input.deploy.mode === 'helm-from-ci'
            ? 'CI, with Helm'
            : syncMode(environment.production)
        } |`,
    )
    .join('\n');
  return `# ${input.name}

${input.description ?? 'A service created from the Shiplog service template.'}

- Image: \`${plan.image}\`, tagged by commit sha on every merge to \`${
    input.defaultBranch
  }\`, and by version when the merge is released.
- Releases cut themselves: on each merge CI asks Shiplog for the next version (conventional commits
  \`fix:\` patch, \`feat:\` minor, \`feat!:\` or \`BREAKING CHANGE:\` major, or a \`semver:major|minor|patch\`
  label on the pull request), creates the tag \`vX.Y.Z\` and the GitHub release with Shiplog's notes.
  Never push a version tag by hand.
- CI: ${ci} tests, builds, pushes, releases and reports build, publish and release events to Shiplog.
- Registry: ${
    registryLogin(plan).setup[input.ci === 'jenkins' ? 'jenkins' : 'github']
  }
- ${deployment(plan)}
- Secrets: ${secretsLine(plan)}

| environment | values file (\`image.tag\` is what promotions change) | ${
    input.deploy.mode === 'argocd' ? 'Argo CD sync' : 'deployed by'
  } |
| --- | --- | --- |
${environments}
`;
}

function deployment(plan: BootstrapPlan): string {
  if (plan.input.deploy.mode === 'helm-from-ci') {
    return `Deploys: CI deploys each release with Helm (chart \`${
      plan.gitops.chartPath
    }\`) to ${plan.input.environments.join(
      ', ',
    )} in order. A \`no-deploy-to-<environment>\` label on a pull request keeps its merge out of that environment and the ones after it.`;
  }
  return `GitOps: ${plan.gitops.repoUrl}, chart \`${plan.gitops.chartPath}\`, Argo CD Applications in \`${plan.gitops.applicationsPath}\`. A \`no-deploy-to-<environment>\` label on a pull request stops Shiplog promoting it there.`;
}

function secretsLine(plan: BootstrapPlan): string {
  const { keys, store } = plan.input.secrets;
  if (!keys.length) {
    return 'none declared; add keys to `secrets.keys` in the chart values and to the Kubernetes Secret.';
  }
  const source =
    store === 'none'
      ? 'create it in each namespace (never commit values)'
      : `an ExternalSecret fills it from ${store} (one secret per environment)`;
  return `${keys
    .map(key => `\`${key}\``)
    .join(', ')} from the Kubernetes Secret \`${secretName(
    plan,
  )}\`: ${source}.`;
}
