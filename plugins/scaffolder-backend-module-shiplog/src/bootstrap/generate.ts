import type { WorkspaceFile } from '../actions/workspace';
import {
  EVENT_SCRIPT,
  EVENT_SCRIPT_PATH,
  githubWorkflow,
  jenkinsfile,
} from './ci';
import { argoApplications, catalogInfo, helmChart } from './deploy';
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
    input.ci === 'jenkins'
      ? { path: 'Jenkinsfile', content: jenkinsfile(plan) }
      : { path: WORKFLOW_PATH, content: githubWorkflow(plan) },
    { path: 'catalog-info.yaml', content: catalogInfo(plan) },
    { path: 'README.md', content: readme(plan), keepExisting: true },
  ];
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
    ...argoApplications(plan),
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
          environment.production ? 'manual' : 'automated'
        } |`,
    )
    .join('\n');
  return `# ${input.name}

${input.description ?? 'A service created from the Shiplog service template.'}

- Image: \`${plan.image}\`, tagged by commit sha on every merge to \`${
    input.defaultBranch
  }\` and by version on a release tag \`vX.Y.Z\`.
- CI: ${ci} tests, builds, pushes and reports build and publish events to Shiplog.
- Registry: ${
    registryLogin(plan).setup[input.ci === 'jenkins' ? 'jenkins' : 'github']
  }
- GitOps: ${plan.gitops.repoUrl}, chart \`${
    plan.gitops.chartPath
  }\`, Argo CD Applications in \`${plan.gitops.applicationsPath}\`.

| environment | values file (\`image.tag\` is what promotions change) | Argo CD sync |
| --- | --- | --- |
${environments}
`;
}
