import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const step = (name: string, input: Record<string, unknown>) =>
  exampleStep('shiplog:bootstrap', name, input);

/** Inputs the examples' tests run through the action, so every example stays valid. */
export const exampleInputs = {
  ghcrNodeInRepository: {
    name: 'checkout',
    owner: 'group:default/team-shop',
    repoUrl: 'github.com?owner=acme&repo=checkout',
    runtime: 'node',
    registry: { type: 'ghcr' },
    environments: ['dev', 'stage', 'prod'],
  },
  garGoSeparateRepository: {
    name: 'payments',
    owner: 'group:default/team-shop',
    repoUrl: 'github.com?owner=acme&repo=payments',
    runtime: 'go',
    registry: {
      type: 'gar',
      image: 'europe-west1-docker.pkg.dev/acme-prod/services/payments',
      gcpWorkloadIdentityProvider:
        'projects/123456789/locations/global/workloadIdentityPools/github/providers/github',
      gcpServiceAccount: 'ci-publisher@acme-prod.iam.gserviceaccount.com',
    },
    environments: ['dev', 'qa', 'stage', 'prod'],
    gitops: {
      layout: 'separate-repository',
      repoUrl: 'https://github.com/acme/gitops',
      targetPath: 'gitops',
    },
    targetPath: 'service',
  },
  ecrJavaJenkins: {
    name: 'inventory',
    owner: 'group:default/team-shop',
    repoUrl: 'github.com?owner=acme&repo=inventory',
    runtime: 'java',
    registry: {
      type: 'ecr',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/inventory',
      awsRoleArn: 'arn:aws:iam::123456789012:role/ci-publisher',
    },
    ci: 'jenkins',
    environments: ['dev', 'prod'],
  },
  harborPython: {
    name: 'notifier',
    owner: 'group:default/team-platform',
    repoUrl: 'github.com?owner=acme&repo=notifier',
    runtime: 'python',
    registry: { type: 'harbor', image: 'harbor.acme.io/shop/notifier' },
    environments: ['dev', 'stage', 'prod'],
    productionEnvironments: ['stage', 'prod'],
  },
  selfHostedHelmOnEks: {
    name: 'ledger',
    owner: 'group:default/team-payments',
    repoUrl: 'github.com?owner=acme&repo=ledger',
    runtime: 'go',
    registry: {
      type: 'ecr',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ledger',
      awsRoleArn: 'arn:aws:iam::123456789012:role/ci-publisher',
    },
    environments: ['dev', 'stage', 'prod'],
    runnerLabels: ['self-hosted', 'linux', 'vpc'],
    deploy: {
      mode: 'helm-from-ci',
      eks: {
        cluster: 'payments',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::123456789012:role/ci-deployer',
        privateEndpoint: true,
      },
    },
    secrets: {
      keys: ['DATABASE_URL', 'STRIPE_API_KEY'],
      store: 'aws-secrets-manager',
    },
  },
};

/** @public */
export const examples: TemplateExample[] = [
  {
    description:
      'A Node.js service on GitHub Container Registry, deploy files in the new repository',
    example: step('Bootstrap', exampleInputs.ghcrNodeInRepository),
  },
  {
    description:
      'A Go service on Google Artifact Registry (workload identity federation), values and Applications for a separate GitOps repository',
    example: step('Bootstrap', exampleInputs.garGoSeparateRepository),
  },
  {
    description: 'A Java service on AWS ECR built by Jenkins',
    example: step('Bootstrap', exampleInputs.ecrJavaJenkins),
  },
  {
    description:
      'A Python service on Harbor where stage and prod are both synced by hand',
    example: step('Bootstrap', exampleInputs.harborPython),
  },
  {
    description:
      'A Go service on self-hosted runners inside the VPC that deploys itself with Helm to a private EKS cluster, secrets from AWS Secrets Manager',
    example: step('Bootstrap', exampleInputs.selfHostedHelmOnEks),
  },
];
