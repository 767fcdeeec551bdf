import type { BootstrapPlan } from './plan';
import { ecrRegion } from './options';
import type { WorkflowStep } from './runtimes';

/** How CI logs in to one registry. */
export interface RegistryLogin {
  /** Token permissions the build job needs beyond `contents: read`. */
  githubPermissions: Record<string, 'write'>;
  githubSteps: WorkflowStep[];
  /** Shell run on the Jenkins agent (inside `withCredentials` when `jenkinsCredentials` is set). */
  jenkinsLogin: string;
  /** A Jenkins username/password credential the login reads, if any. */
  jenkinsCredentials?: string;
  /** What an administrator sets up once, per CI system, for the generated files' comments and README. */
  setup: { github: string; jenkins: string };
}

type Registry = BootstrapPlan['input']['registry'];

export function registryLogin(plan: BootstrapPlan): RegistryLogin {
  const { registry } = plan.input;
  const host = plan.image.split('/')[0];
  switch (registry.type) {
    case 'ghcr':
      return ghcrLogin(host);
    case 'gar':
      return garLogin(host, registry);
    case 'ecr':
      return ecrLogin(host, registry, plan.image);
    case 'harbor':
    default:
      return harborLogin(host);
  }
}

function dockerLogin(
  host: string,
  username: string,
  password: string,
): WorkflowStep {
  return {
    name: `Log in to ${host}`,
    uses: 'docker/login-action@v3',
    with: { registry: host, username, password },
  };
}

function jenkinsPasswordLogin(host: string): string {
  return `echo "$REGISTRY_PASSWORD" | docker login ${host} --username "$REGISTRY_USERNAME" --password-stdin`;
}

function ghcrLogin(host: string): RegistryLogin {
  return {
    // The workflow's own token pushes to GitHub's registry: no stored secret.
    githubPermissions: { packages: 'write' },
    githubSteps: [
      dockerLogin(host, '${{ github.actor }}', '${{ secrets.GITHUB_TOKEN }}'),
    ],
    jenkinsCredentials: 'ghcr-credentials',
    jenkinsLogin: jenkinsPasswordLogin(host),
    setup: {
      github: 'nothing: the workflow token pushes (packages: write).',
      jenkins:
        'a username/password credential `ghcr-credentials` (a token with write:packages).',
    },
  };
}

function garLogin(host: string, registry: Registry): RegistryLogin {
  return {
    // Workload identity federation: GitHub's OIDC token is exchanged for a short-lived Google
    // token, so no service account key is stored anywhere.
    githubPermissions: { 'id-token': 'write' },
    githubSteps: [
      {
        name: 'Authenticate to Google Cloud',
        id: 'gcp-auth',
        uses: 'google-github-actions/auth@v2',
        with: {
          token_format: 'access_token',
          workload_identity_provider: registry.gcpWorkloadIdentityProvider!,
          service_account: registry.gcpServiceAccount!,
        },
      },
      dockerLogin(
        host,
        'oauth2accesstoken',
        '${{ steps.gcp-auth.outputs.access_token }}',
      ),
    ],
    jenkinsLogin: `gcloud auth print-access-token | docker login ${host} --username oauth2accesstoken --password-stdin`,
    setup: {
      github: `workload identity provider ${registry.gcpWorkloadIdentityProvider} lets this repository impersonate ${registry.gcpServiceAccount} (roles/artifactregistry.writer).`,
      jenkins: `the agent's own Google identity (e.g. GKE workload identity) may push (roles/artifactregistry.writer).`,
    },
  };
}

function ecrLogin(
  host: string,
  registry: Registry,
  image: string,
): RegistryLogin {
  const region = ecrRegion(image);
  return {
    // GitHub's OIDC token assumes the role: no long-lived AWS keys.
    githubPermissions: { 'id-token': 'write' },
    githubSteps: [
      {
        name: 'Configure AWS credentials',
        uses: 'aws-actions/configure-aws-credentials@v4',
        with: {
          'role-to-assume': registry.awsRoleArn!,
          'aws-region': region,
        },
      },
      {
        name: `Log in to ${host}`,
        uses: 'aws-actions/amazon-ecr-login@v2',
      },
    ],
    jenkinsLogin: `aws ecr get-login-password --region ${region} | docker login ${host} --username AWS --password-stdin`,
    setup: {
      github: `IAM role ${registry.awsRoleArn} trusts GitHub's OIDC provider for this repository and may push to ${image}.`,
      jenkins: `the agent's own AWS identity (instance profile or IRSA) may push to ${image}.`,
    },
  };
}

function harborLogin(host: string): RegistryLogin {
  return {
    githubPermissions: {},
    githubSteps: [
      dockerLogin(
        host,
        '${{ secrets.HARBOR_USERNAME }}',
        '${{ secrets.HARBOR_PASSWORD }}',
      ),
    ],
    jenkinsCredentials: 'harbor-robot',
    jenkinsLogin: jenkinsPasswordLogin(host),
    setup: {
      github:
        'a Harbor robot account with push access, as repository secrets HARBOR_USERNAME and HARBOR_PASSWORD.',
      jenkins:
        'a Harbor robot account with push access, as username/password credential `harbor-robot`.',
    },
  };
}
