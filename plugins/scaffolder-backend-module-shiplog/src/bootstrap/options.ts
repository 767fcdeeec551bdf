import { z } from 'zod/v3';
import { checkDeliveryInput, deliveryInputShape } from './deliveryOptions';

/** @public */
export const RUNTIMES = ['node', 'go', 'python', 'java'] as const;
/** @public */
export const REGISTRIES = ['ghcr', 'gar', 'ecr', 'harbor'] as const;
/** @public */
export const CI_SYSTEMS = ['github-actions', 'jenkins'] as const;
/** @public */
export const GITOPS_LAYOUTS = ['in-repository', 'separate-repository'] as const;

/** @public */
export type Runtime = (typeof RUNTIMES)[number];
/** @public */
export type RegistryType = (typeof REGISTRIES)[number];
/** @public */
export type CiSystem = (typeof CI_SYSTEMS)[number];

/** A DNS-1123 label: the service name becomes Kubernetes names, namespaces and image paths. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/**
 * Lengths keep `<name>-<environment>` (Argo CD Application and namespace) within the 63 characters
 * of a DNS label.
 */
const MAX_NAME_LENGTH = 42;
const MAX_ENVIRONMENT_LENGTH = 20;

/** An OCI image tag. */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const IMAGE_REPOSITORY = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)+$/;
const ECR_HOST = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$/;
const GAR_HOST = /^[a-z0-9-]+-docker\.pkg\.dev$/;

/** Templates pass an unset parameter as an empty string; treat it as absent. */
function optionalText(zod: typeof z, description: string) {
  return zod.preprocess(
    value => (value === '' || value === null ? undefined : value),
    zod.string().trim().optional().describe(description),
  );
}

/** The service itself: its name, catalog entry, repository and runtime. */
function serviceFields(zod: typeof z) {
  return {
    name: zod
      .string()
      .max(MAX_NAME_LENGTH)
      .regex(
        DNS_LABEL,
        'must be a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit',
      )
      .describe(
        'Service name: the catalog entity, the image, the Helm chart and the Argo CD Applications are named after it',
      ),
    description: optionalText(zod, 'One line saying what the service does'),
    owner: zod
      .string()
      .min(1)
      .describe(
        'Owner of the service, an entity reference such as group:default/team-shop',
      ),
    system: optionalText(zod, 'System the service belongs to, if any'),
    lifecycle: zod
      .string()
      .default('experimental')
      .describe('Catalog lifecycle of the new component'),
    repoUrl: zod
      .string()
      .min(1)
      .describe(
        'The service repository in RepoUrlPicker form, e.g. github.com?owner=acme&repo=checkout',
      ),
    defaultBranch: zod
      .string()
      .default('main')
      .describe('Branch whose merges build and publish an image'),
    runtime: zod
      .enum(RUNTIMES)
      .describe(
        'Language runtime: picks the Dockerfile, the test step and the skeleton',
      ),
  };
}

/** Where images are pushed and the cloud identities CI logs in with. */
function registryFields(zod: typeof z) {
  return {
    registry: zod
      .object({
        type: zod
          .enum(REGISTRIES)
          .describe(
            'Container registry: ghcr (GitHub token), gar (Google Artifact Registry via workload identity federation), ecr (AWS via OIDC) or harbor (robot account)',
          ),
        image: optionalText(
          zod,
          'Full image repository without tag, e.g. europe-west1-docker.pkg.dev/acme/services/checkout; defaults to ghcr.io/<repository owner>/<name> for ghcr and is required otherwise',
        ),
        gcpWorkloadIdentityProvider: optionalText(
          zod,
          'gar: the workload identity provider, projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>',
        ),
        gcpServiceAccount: optionalText(
          zod,
          'gar: the service account the workflow impersonates, e.g. ci-publisher@acme.iam.gserviceaccount.com',
        ),
        awsRoleArn: optionalText(
          zod,
          'ecr: the IAM role the workflow assumes through GitHub OIDC, e.g. arn:aws:iam::123456789012:role/ci-publisher',
        ),
      })
      .describe('Where images are pushed and how CI logs in'),
  };
}

/** The CI system and the environments releases go through. */
function pipelineFields(zod: typeof z) {
  const environmentName = zod
    .string()
    .max(MAX_ENVIRONMENT_LENGTH)
    .regex(
      DNS_LABEL,
      'must be a DNS label: lower-case letters, digits and "-"',
    );
  return {
    ci: zod
      .enum(CI_SYSTEMS)
      .default('github-actions')
      .describe('CI system: a GitHub Actions workflow or a Jenkinsfile'),
    environments: zod
      .array(environmentName)
      .min(1)
      .max(10)
      .default(['dev', 'stage', 'prod'])
      .describe('Environments in promotion order, e.g. dev, stage, prod'),
    productionEnvironments: zod
      .array(environmentName)
      .optional()
      .describe(
        'Environments Argo CD syncs only by hand; defaults to the last environment of the list',
      ),
  };
}

/** Where Helm values and Argo CD Applications are written, and how Argo CD deploys them. */
function gitopsFields(zod: typeof z) {
  return {
    gitops: zod
      .object({
        layout: zod
          .enum(GITOPS_LAYOUTS)
          .default('in-repository')
          .describe(
            'in-repository: chart, values and Applications under deploy/ in the new repository; separate-repository: written under targetPath for a GitOps repository',
          ),
        repoUrl: optionalText(
          zod,
          'separate-repository: the GitOps repository Argo CD reads, as an HTTPS URL (https://github.com/acme/gitops) or in RepoUrlPicker form (github.com?owner=acme&repo=gitops)',
        ),
        targetPath: zod
          .string()
          .default('gitops')
          .describe(
            'separate-repository: workspace directory the GitOps files are written to (charts/<name>/, argocd/)',
          ),
        revision: zod
          .string()
          .default('main')
          .describe('Branch of the GitOps repository Argo CD follows'),
      })
      .default({})
      .describe('Where Helm values and Argo CD Applications live'),
    argocd: zod
      .object({
        project: zod.string().default('default').describe('Argo CD project'),
        namespace: zod
          .string()
          .default('argocd')
          .describe('Namespace Argo CD watches for Applications'),
        destinationServer: zod
          .string()
          .default('https://kubernetes.default.svc')
          .describe('Cluster API server the Applications deploy to'),
      })
      .default({})
      .describe('Argo CD settings of the generated Applications'),
  };
}

/** What the generated files start with: reporting URL, first image tag, where they go. */
function generationFields(zod: typeof z) {
  return {
    shiplogUrl: optionalText(
      zod,
      "Base URL of the Backstage backend CI reports to; defaults to this portal's backend.baseUrl",
    ),
    imageTag: zod
      .string()
      .regex(IMAGE_TAG, 'must be a valid image tag')
      .default('0.1.0')
      .describe(
        'Image tag written to every values-<env>.yaml until the first promotion',
      ),
    targetPath: zod
      .string()
      .default('.')
      .describe(
        'Workspace directory the service repository files are written to',
      ),
    skeleton: zod
      .boolean()
      .default(true)
      .describe(
        'Also write a minimal HTTP service with a test (kept if the files exist), so the first merge builds',
      ),
  };
}

type Issue = (path: (string | number)[], message: string) => void;
type PipelineInput = z.output<z.ZodObject<ReturnType<typeof pipelineFields>>>;
type RegistryInput = z.output<
  z.ZodObject<ReturnType<typeof registryFields>>
>['registry'];
type GitopsInput = z.output<
  z.ZodObject<ReturnType<typeof gitopsFields>>
>['gitops'];

/**
 * The inputs of `shiplog:bootstrap`, built on the zod the scaffolder hands in, so that the JSON
 * schema it shows in the template editor and the parse inside the handler come from one definition.
 */
export function bootstrapInputSchema(zod: typeof z) {
  return zod
    .object({
      ...serviceFields(zod),
      ...registryFields(zod),
      ...pipelineFields(zod),
      ...gitopsFields(zod),
      ...generationFields(zod),
      ...deliveryInputShape(zod),
    })
    .superRefine((input, ctx) => {
      const issue: Issue = (path, message) =>
        ctx.addIssue({ code: zod.ZodIssueCode.custom, path, message });
      checkEnvironments(input, issue);
      checkRegistry(input.registry, issue);
      checkDeliveryInput(input, issue);
      checkGitops(input.gitops, issue);
    });
}

/** Environments appear once, and the production ones are among them. */
function checkEnvironments(input: PipelineInput, issue: Issue) {
  if (new Set(input.environments).size !== input.environments.length) {
    issue(['environments'], 'must not repeat an environment');
  }
  for (const [index, env] of (input.productionEnvironments ?? []).entries()) {
    if (!input.environments.includes(env)) {
      issue(
        ['productionEnvironments', index],
        `"${env}" is not one of the environments`,
      );
    }
  }
}

/** The image fits the registry, and the registry's cloud identity is given in its own form. */
function checkRegistry(registry: RegistryInput, issue: Issue) {
  if (registry.image !== undefined) {
    checkImage(registry.type, registry.image, message =>
      issue(['registry', 'image'], message),
    );
  } else if (registry.type !== 'ghcr') {
    issue(
      ['registry', 'image'],
      `is required for the ${registry.type} registry`,
    );
  }
  if (registry.type === 'gar') {
    if (
      !registry.gcpWorkloadIdentityProvider?.match(
        /^projects\/\d+\/locations\/global\/workloadIdentityPools\/[^/]+\/providers\/[^/]+$/,
      )
    ) {
      issue(
        ['registry', 'gcpWorkloadIdentityProvider'],
        'is required for gar, as projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>',
      );
    }
    if (
      !registry.gcpServiceAccount?.match(
        /^[^@\s]+@[^@\s]+\.iam\.gserviceaccount\.com$/,
      )
    ) {
      issue(
        ['registry', 'gcpServiceAccount'],
        'is required for gar, as <name>@<project>.iam.gserviceaccount.com',
      );
    }
  }
  if (
    registry.type === 'ecr' &&
    !registry.awsRoleArn?.match(
      /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    )
  ) {
    issue(
      ['registry', 'awsRoleArn'],
      'is required for ecr, as arn:aws:iam::<account>:role/<name>',
    );
  }
}

/** A separate GitOps repository must be named. */
function checkGitops(gitops: GitopsInput, issue: Issue) {
  if (gitops.layout === 'separate-repository') {
    const url = gitops.repoUrl;
    if (!url?.match(/^https:\/\/[^\s/]+\/\S+$/) && !url?.includes('?')) {
      issue(
        ['gitops', 'repoUrl'],
        'is required for a separate GitOps repository, as an https URL or host?owner=...&repo=...',
      );
    }
  }
}

/** Checks an image repository's shape and that its host belongs to the chosen registry. */
function checkImage(
  type: RegistryType,
  image: string,
  report: (message: string) => void,
) {
  if (!IMAGE_REPOSITORY.test(image)) {
    report(
      'must be an image repository without tag, e.g. registry.example.com/team/name',
    );
    return;
  }
  const [host, ...path] = image.split('/');
  if (type === 'ghcr' && host !== 'ghcr.io') {
    report('must start with ghcr.io/ for the ghcr registry');
  } else if (type === 'gar' && (!GAR_HOST.test(host) || path.length !== 3)) {
    report(
      'must be <location>-docker.pkg.dev/<project>/<repository>/<image> for gar',
    );
  } else if (type === 'ecr' && !ECR_HOST.test(host)) {
    report('must be <account>.dkr.ecr.<region>.amazonaws.com/<image> for ecr');
  } else if (type === 'harbor' && path.length < 2) {
    report('must be <harbor host>/<project>/<image> for harbor');
  }
}

/** The AWS region of an ECR image repository, read from its host. */
export function ecrRegion(image: string): string {
  const match = ECR_HOST.exec(image.split('/')[0]);
  if (!match) {
    throw new Error(`${image} is not an ECR repository`);
  }
  return match[2];
}

/** Validated, defaulted inputs of `shiplog:bootstrap`. @public */
export type BootstrapInput = z.output<ReturnType<typeof bootstrapInputSchema>>;
