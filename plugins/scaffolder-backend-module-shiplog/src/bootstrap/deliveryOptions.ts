import { z } from 'zod/v3';

/** @public */
export const DEPLOY_MODES = ['argocd', 'helm-from-ci'] as const;
/** @public */
export const SECRET_STORES = [
  'none',
  'aws-secrets-manager',
  'gcp-secret-manager',
] as const;

/** @public */
export type DeployMode = (typeof DEPLOY_MODES)[number];
/** @public */
export type SecretStore = (typeof SECRET_STORES)[number];

const RUNNER_LABEL = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
/** An environment variable name, which is also the key in the Kubernetes Secret. */
const SECRET_KEY = /^[A-Z_][A-Z0-9_]{0,99}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const EKS_CLUSTER = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** The runners CI jobs run on. */
function runnerLabelsField(zod: typeof z) {
  // Templates pass an unset list as [] and unset fields as '': treat both as absent.
  return zod.preprocess(
    value =>
      value === '' || (Array.isArray(value) && value.length === 0)
        ? undefined
        : value,
    zod
      .array(
        zod
          .string()
          .regex(RUNNER_LABEL, 'must be a runner label such as self-hosted'),
      )
      // No minimum: the scaffolder checks the template's [] against the JSON schema before the
      // preprocessing above turns it into "unset".
      .max(10)
      .optional()
      .describe(
        'Labels of the runners the jobs run on (GitHub Actions runs-on, Jenkins agent label), e.g. [self-hosted, linux, vpc]; default ubuntu-latest on GitHub, any agent on Jenkins',
      ),
  );
}

/** helm-from-ci on EKS: the cluster, its region and the role the pipeline assumes, all or none. */
function eksField(zod: typeof z) {
  return zod.preprocess(
    value =>
      value &&
      typeof value === 'object' &&
      !(value as { cluster?: unknown }).cluster
        ? undefined
        : value,
    zod
      .object({
        // Optional here so that a template passing its empty form fields (no cluster: no EKS)
        // passes the scaffolder's JSON-schema check; required together below.
        cluster: zod
          .string()
          .regex(EKS_CLUSTER, 'must be an EKS cluster name')
          .optional(),
        region: zod
          .string()
          .regex(AWS_REGION, 'must be an AWS region such as eu-west-1')
          .optional(),
        roleArn: zod
          .string()
          .regex(IAM_ROLE_ARN, 'must be arn:aws:iam::<account>:role/<name>')
          .optional()
          .describe('Role the workflow assumes through GitHub OIDC to deploy'),
        privateEndpoint: zod
          .boolean()
          .default(false)
          .describe(
            'The cluster API is reachable only inside the VPC: jobs must run on self-hosted runners there',
          ),
      })
      .transform((eks, ctx) => {
        const { cluster, region, roleArn } = eks;
        if (cluster && region && roleArn) {
          return { ...eks, cluster, region, roleArn };
        }
        for (const [field, value] of Object.entries({
          cluster,
          region,
          roleArn,
        })) {
          if (!value) {
            ctx.addIssue({
              code: zod.ZodIssueCode.custom,
              path: [field],
              message: 'is required for helm-from-ci on EKS',
            });
          }
        }
        return zod.NEVER;
      })
      .optional()
      .describe(
        'helm-from-ci on EKS: OIDC role assumption and kubeconfig from the cluster; without it each environment needs a KUBE_CONFIG secret',
      ),
  );
}

/** How releases reach the environments. */
function deployField(zod: typeof z) {
  return zod
    .object({
      mode: zod
        .enum(DEPLOY_MODES)
        .default('argocd')
        .describe(
          'argocd: Argo CD Applications deploy and Shiplog promotes; helm-from-ci: the pipeline deploys each environment in order with Helm',
        ),
      eks: eksField(zod),
    })
    .default({})
    .describe('How releases reach the environments');
}

/** The Secret the service reads, and the store that fills it. */
function secretsField(zod: typeof z) {
  return zod
    .object({
      keys: zod.preprocess(
        value => (value === '' || value === null ? undefined : value),
        zod
          .array(
            zod
              .string()
              .regex(
                SECRET_KEY,
                'must be an environment variable name such as DATABASE_URL',
              ),
          )
          .max(50)
          .default([])
          .describe(
            'Keys of the Kubernetes Secret <name>-secrets the service reads as environment variables (values never in Git)',
          ),
      ),
      store: zod
        .enum(SECRET_STORES)
        .default('none')
        .describe(
          'none: the Secret is created by other means; otherwise an External Secrets ExternalSecret fills it per environment from that store',
        ),
      secretStoreName: zod.preprocess(
        value => (value === '' ? undefined : value),
        zod
          .string()
          .regex(EKS_CLUSTER, 'must be a Kubernetes name')
          .optional()
          .describe(
            'The ClusterSecretStore to read from; defaults to the store type, e.g. aws-secrets-manager',
          ),
      ),
    })
    .default({})
    .describe("The application's secrets");
}

/**
 * How the new service's CI runs and deploys, and where its secrets come from: the parts of the
 * bootstrap inputs beyond build and GitOps layout.
 */
export function deliveryInputShape(zod: typeof z) {
  return {
    runnerLabels: runnerLabelsField(zod),
    deploy: deployField(zod),
    secrets: secretsField(zod),
  };
}

type DeliveryInput = z.output<
  z.ZodObject<ReturnType<typeof deliveryInputShape>>
> & { gitops: { layout: string } };

/** Checks between delivery inputs, reported with the field's path. */
export function checkDeliveryInput(
  input: DeliveryInput,
  issue: (path: (string | number)[], message: string) => void,
) {
  const { deploy, secrets, runnerLabels } = input;
  if (
    deploy.mode === 'helm-from-ci' &&
    input.gitops.layout !== 'in-repository'
  ) {
    issue(
      ['deploy', 'mode'],
      'helm-from-ci deploys the chart of the service repository: use the in-repository GitOps layout',
    );
  }
  if (deploy.eks && deploy.mode !== 'helm-from-ci') {
    issue(['deploy', 'eks'], 'is only used with deploy mode helm-from-ci');
  }
  if (deploy.eks?.privateEndpoint && !runnerLabels?.includes('self-hosted')) {
    issue(
      ['runnerLabels'],
      'must include self-hosted: a private EKS endpoint is reachable only from runners inside the VPC',
    );
  }
  if (secrets.store !== 'none' && secrets.keys.length === 0) {
    issue(
      ['secrets', 'keys'],
      `must name at least one key for ${secrets.store}`,
    );
  }
  if (new Set(secrets.keys).size !== secrets.keys.length) {
    issue(['secrets', 'keys'], 'must not repeat a key');
  }
}
