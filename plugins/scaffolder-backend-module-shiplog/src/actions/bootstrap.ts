import { InputError } from '@backstage/errors';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import { z } from 'zod/v3';
import { generateFiles } from '../bootstrap/generate';
import { BootstrapInput, bootstrapInputSchema } from '../bootstrap/options';
import { planBootstrap, ServiceRepository } from '../bootstrap/plan';
import { examples } from './bootstrap.examples';
import {
  parseActionInput,
  repoPath,
  resolveWorkspacePath,
  writeWorkspaceFiles,
} from './workspace';

/** @public */
export interface ShiplogBootstrapActionOptions {
  integrations: ScmIntegrationRegistry;
  /** Where CI reports events when the template does not say: the portal's backend.baseUrl. */
  defaultShiplogUrl: string;
}

/**
 * `shiplog:bootstrap`: writes everything a new service needs to be deployable and tracked from its
 * first merge (Dockerfile, CI, Helm chart with values per environment, Argo CD Applications,
 * catalog-info.yaml). Files are generated from the inputs alone, so a retry writes the same bytes.
 *
 * @public
 */
export function createShiplogBootstrapAction(
  options: ShiplogBootstrapActionOptions,
) {
  return createTemplateAction({
    id: 'shiplog:bootstrap',
    description:
      'Writes a deployable service: Dockerfile, GitHub Actions workflow or Jenkinsfile reporting to Shiplog, Helm values per environment and Argo CD Applications',
    examples,
    supportsDryRun: true,
    schema: {
      input: zod => bootstrapInputSchema(zod),
      output: zod => bootstrapOutputSchema(zod),
    },
    async handler(ctx) {
      const input = parseActionInput(bootstrapInputSchema(z), ctx.input);
      const serviceDir = resolveWorkspacePath(
        ctx.workspacePath,
        input.targetPath,
        'targetPath',
      );
      const gitopsDirInput =
        input.gitops.layout === 'separate-repository'
          ? input.gitops.targetPath
          : input.targetPath;
      const gitopsDir = resolveWorkspacePath(
        ctx.workspacePath,
        gitopsDirInput,
        'gitops.targetPath',
      );
      const plan = planFromInput(input, options);
      const files = generateFiles(plan);
      const results = [
        await writeWorkspaceFiles(serviceDir, files.service),
        await writeWorkspaceFiles(gitopsDir, files.gitops),
      ];
      const [servicePrefix, gitopsPrefix] = [input.targetPath, gitopsDirInput];
      const all = [
        ...files.service.map(file => repoPath(servicePrefix, file.path)),
        ...files.gitops.map(file => repoPath(gitopsPrefix, file.path)),
      ];
      const count = (key: 'written' | 'unchanged' | 'kept') =>
        results.reduce((sum, result) => sum + result[key].length, 0);
      ctx.logger.info(
        `shiplog:bootstrap: ${count('written')} file(s) written, ${count(
          'unchanged',
        )} already up to date, ${count('kept')} existing kept${
          ctx.isDryRun ? ' (dry run)' : ''
        }`,
      );
      ctx.output('files', all);
      ctx.output('entityRef', plan.entityRef);
      ctx.output('image', plan.image);
      ctx.output('sourcePath', repoPath(input.targetPath));
      ctx.output('gitopsPath', repoPath(gitopsDirInput));
      ctx.output('gitopsRepoUrl', plan.gitops.repoUrl);
      ctx.output('valuesPath', plan.gitops.valuesPathTemplate);
      ctx.output('requiredStatusChecks', requiredStatusChecks(input.ci));
    },
  });
}

/** What the action reports back to the template's later steps. */
function bootstrapOutputSchema(zod: typeof z) {
  return zod.object({
    files: zod
      .array(zod.string())
      .describe('Every generated file, relative to the workspace'),
    entityRef: zod.string().describe('Entity reference of the new component'),
    image: zod.string().describe('Image repository CI pushes to'),
    sourcePath: zod
      .string()
      .describe(
        'Workspace directory of the service repository, for publish steps',
      ),
    gitopsPath: zod
      .string()
      .describe('Workspace directory of the GitOps files'),
    gitopsRepoUrl: zod
      .string()
      .describe('Repository Argo CD reads the chart and values from'),
    valuesPath: zod
      .string()
      .describe(
        'The shiplog.dev/values-path annotation, with {{environment}} left for Shiplog',
      ),
    requiredStatusChecks: zod
      .array(zod.string())
      .describe(
        'Status checks of the generated CI on pull requests, for protecting the default branch',
      ),
  });
}

/** The bootstrap plan, with a GitOps repository picked with RepoUrlPicker turned into the URL Argo CD clones. */
function planFromInput(
  input: BootstrapInput,
  options: ShiplogBootstrapActionOptions,
) {
  const gitopsRepoUrl = input.gitops.repoUrl;
  return planBootstrap(
    {
      ...input,
      gitops: {
        ...input.gitops,
        repoUrl:
          gitopsRepoUrl && !gitopsRepoUrl.startsWith('https://')
            ? repositoryOf(
                gitopsRepoUrl,
                options.integrations,
                'gitops.repoUrl',
              ).url
            : gitopsRepoUrl,
      },
    },
    repositoryOf(input.repoUrl, options.integrations, 'repoUrl'),
    options.defaultShiplogUrl,
  );
}

/**
 * What the generated CI reports on a pull request: the workflow's `test` job, or the status a
 * Jenkins multibranch pipeline posts for the merge of a pull request.
 */
function requiredStatusChecks(ci: BootstrapInput['ci']): string[] {
  return ci === 'jenkins'
    ? ['continuous-integration/jenkins/pr-merge']
    : ['test'];
}

/** A repository in RepoUrlPicker form (`github.com?owner=acme&repo=checkout`). */
function repositoryOf(
  repoUrl: string,
  integrations: ScmIntegrationRegistry,
  field: string,
): ServiceRepository {
  let parsed;
  try {
    // parseRepoUrl checks the host against the configured integrations, as publish steps will.
    parsed = parseRepoUrl(repoUrl, integrations);
  } catch (error) {
    throw new InputError(`${field}: ${(error as Error).message}`);
  }
  const { host, owner, repo } = parsed;
  if (!owner) {
    throw new InputError(
      `${field}: "${repoUrl}" names no owner (…?owner=acme&repo=name)`,
    );
  }
  return {
    host,
    owner,
    repo,
    url: `https://${host}/${owner}/${repo}`,
    isGithub: integrations.byHost(host)?.type === 'github',
  };
}
