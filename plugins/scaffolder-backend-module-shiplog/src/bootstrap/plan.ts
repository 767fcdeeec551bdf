import { repoPath } from '../actions/workspace';
import type { BootstrapInput } from './options';

/** Where the new service's repository lives, as parsed from the template's repoUrl. */
export interface ServiceRepository {
  host: string;
  owner: string;
  repo: string;
  /** `https://<host>/<owner>/<repo>`: what Argo CD clones and people open. */
  url: string;
  /** Whether the host is a GitHub integration, which is what `github.com/project-slug` means. */
  isGithub: boolean;
}

/** One environment of the new service. */
export interface PlannedEnvironment {
  name: string;
  /** Argo CD syncs it by hand only. */
  production: boolean;
  /** `<name>-<environment>`: the Argo CD Application and the namespace. */
  appName: string;
  /** Path of its values file inside the GitOps repository. */
  valuesPath: string;
}

/** Everything the file generators need, derived once from the inputs. */
export interface BootstrapPlan {
  input: BootstrapInput;
  entityRef: string;
  image: string;
  repository: ServiceRepository;
  shiplogUrl: string;
  environments: PlannedEnvironment[];
  gitops: {
    /** Repository Argo CD reads (the service repository for the in-repository layout). */
    repoUrl: string;
    /** Workspace directory its files are written to. */
    workspaceDir: string;
    /** Chart directory inside the GitOps repository. */
    chartPath: string;
    /** Directory of the Argo CD Applications inside the GitOps repository. */
    applicationsPath: string;
    /** The `shiplog.dev/values-path` annotation, with `{{environment}}` for Shiplog to fill. */
    valuesPathTemplate: string;
  };
}

export function planBootstrap(
  input: BootstrapInput,
  repository: ServiceRepository,
  defaultShiplogUrl: string,
): BootstrapPlan {
  const { name } = input;
  const separate = input.gitops.layout === 'separate-repository';
  // The in-repository layout keeps deploy files apart from the service's own under deploy/.
  const gitopsBase = separate ? '' : 'deploy';
  const chartPath = repoPath(gitopsBase, 'charts', name);
  const valuesFile = (environment: string) =>
    repoPath(chartPath, `values-${environment}.yaml`);
  const production = new Set(
    input.productionEnvironments ?? input.environments.slice(-1),
  );
  return {
    input,
    entityRef: `component:default/${name}`,
    image:
      input.registry.image ??
      `ghcr.io/${repository.owner.toLowerCase()}/${name}`,
    repository,
    shiplogUrl: (input.shiplogUrl ?? defaultShiplogUrl).replace(/\/+$/, ''),
    environments: input.environments.map(environment => ({
      name: environment,
      production: production.has(environment),
      appName: `${name}-${environment}`,
      valuesPath: valuesFile(environment),
    })),
    gitops: {
      repoUrl: separate ? input.gitops.repoUrl! : repository.url,
      workspaceDir: separate
        ? repoPath(input.gitops.targetPath)
        : repoPath(input.targetPath),
      chartPath,
      applicationsPath: repoPath(gitopsBase, 'argocd'),
      valuesPathTemplate: valuesFile('{{environment}}'),
    },
  };
}
