import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import {
  createTemplateAction,
  parseRepoUrl,
} from '@backstage/plugin-scaffolder-node';
import { Octokit } from '@octokit/rest';
import { z } from 'zod/v3';
import { DNS_LABEL } from '../bootstrap/options';
import { examples } from './githubDeployLabels.examples';
import { parseActionInput } from './workspace';

/** Inputs of `shiplog:github:deploy-labels`. */
export function deployLabelsInputSchema(zod: typeof z) {
  return zod
    .object({
      repoUrl: zod
        .string()
        .min(1)
        .describe(
          'The repository in RepoUrlPicker form, e.g. github.com?owner=acme&repo=checkout',
        ),
      environments: zod
        .array(zod.string().regex(DNS_LABEL, 'must be a DNS label'))
        .min(1)
        .max(20)
        .describe('Environments in promotion order: one label for each'),
      color: zod
        .string()
        .regex(/^[0-9a-fA-F]{6}$/, 'must be six hex digits, e.g. b60205')
        .default('b60205')
        .describe('Label colour'),
      token: zod
        .string()
        .optional()
        .describe(
          'A GitHub token to use instead of the integrations.github credentials',
        ),
    })
    .strict();
}

/** The label that keeps a pull request's merge out of an environment. */
export const noDeployLabel = (environment: string) =>
  `no-deploy-to-${environment}`;

/** @public */
export interface ShiplogDeployLabelsActionOptions {
  integrations: ScmIntegrationRegistry;
}

/**
 * `shiplog:github:deploy-labels`: creates a `no-deploy-to-<env>` label per environment in a GitHub
 * repository, so reviewers can stop a merge from reaching an environment (Shiplog's promotion
 * guard and the generated helm-from-ci pipeline both honour it). A label that exists is kept as
 * it is, so a retry changes nothing.
 *
 * @public
 */
export function createShiplogDeployLabelsAction(
  options: ShiplogDeployLabelsActionOptions,
) {
  const credentialsProvider = DefaultGithubCredentialsProvider.fromIntegrations(
    options.integrations,
  );
  return createTemplateAction({
    id: 'shiplog:github:deploy-labels',
    description:
      'Creates a no-deploy-to-<environment> label per environment in a GitHub repository',
    examples,
    supportsDryRun: true,
    schema: {
      input: zod => deployLabelsInputSchema(zod),
      output: zod => deployLabelsOutputSchema(zod),
    },
    async handler(ctx) {
      const input = parseActionInput(deployLabelsInputSchema(z), ctx.input);
      const { host, owner, repo } = parseRepoUrl(
        input.repoUrl,
        options.integrations,
      );
      const integration = options.integrations.github.byHost(host);
      if (!integration || !owner || !repo) {
        throw new InputError(
          `repoUrl: "${input.repoUrl}" is not a repository of a configured GitHub integration`,
        );
      }
      const labels = input.environments.map(noDeployLabel);
      ctx.output('labels', labels);
      if (ctx.isDryRun) {
        ctx.logger.info(
          `shiplog:github:deploy-labels: would create ${labels.join(
            ', ',
          )} in ${owner}/${repo} (dry run)`,
        );
        ctx.output('created', []);
        return;
      }
      const token =
        input.token ??
        (
          await credentialsProvider.getCredentials({
            url: `https://${host}/${owner}/${repo}`,
          })
        ).token;
      const octokit = new Octokit({
        auth: token,
        baseUrl: integration.config.apiBaseUrl,
      });
      const created = await createDeployLabels(octokit, {
        owner,
        repo,
        color: input.color,
        environments: input.environments,
      });
      ctx.logger.info(
        `shiplog:github:deploy-labels: ${created.length} created, ${
          labels.length - created.length
        } already there in ${owner}/${repo}`,
      );
      ctx.output('created', created);
    },
  });
}

/** What the action reports: every label, and those it created. */
function deployLabelsOutputSchema(zod: typeof z) {
  return zod.object({
    labels: zod.array(zod.string()).describe('The labels, one per environment'),
    created: zod
      .array(zod.string())
      .describe('Those this run created; the others existed'),
  });
}

/** Creates each environment's label, in order; returns the names of those that did not exist. */
async function createDeployLabels(
  octokit: Octokit,
  target: {
    owner: string;
    repo: string;
    color: string;
    environments: string[];
  },
): Promise<string[]> {
  const { owner, repo, color } = target;
  const created: string[] = [];
  for (const environment of target.environments) {
    const name = noDeployLabel(environment);
    if (
      await createLabel(octokit, {
        owner,
        repo,
        name,
        color,
        description: `Reviewers: keep this pull request's merge out of ${environment}`,
      })
    ) {
      created.push(name);
    }
  }
  return created;
}

/** Creates a label; false when it exists already (GitHub answers 422 already_exists). */
async function createLabel(
  octokit: Octokit,
  label: {
    owner: string;
    repo: string;
    name: string;
    color: string;
    description: string;
  },
): Promise<boolean> {
  try {
    await octokit.rest.issues.createLabel(label);
    return true;
  } catch (error) {
    const { status, response } = error as {
      status?: number;
      response?: { data?: { errors?: Array<{ code?: string }> } };
    };
    if (
      status === 422 &&
      response?.data?.errors?.some(e => e.code === 'already_exists')
    ) {
      return false;
    }
    throw error;
  }
}
