import { releaseEventInputSchema } from '@shiplog/plugin-shiplog-common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { bootstrap } from '../__testUtils__/bootstrapAction';
import { runEventScript } from '../__testUtils__/eventScript';
import { substituteExpressions } from '../__testUtils__/githubExpressions';
import { validateGithubWorkflows } from '../__testUtils__/githubWorkflow';
import { groovySyntaxErrors } from '../__testUtils__/groovy';
import { EVENT_SCRIPT, EVENT_SCRIPT_PATH } from '../bootstrap/ci';
import { WORKFLOW_PATH } from '../bootstrap/generate';
import { CI_SYSTEMS, REGISTRIES } from '../bootstrap/options';
import { exampleInputs } from './bootstrap.examples';

const base = exampleInputs.ghcrNodeInRepository;
const eks = exampleInputs.selfHostedHelmOnEks;

/** The delivery choices the template offers, each generated for both CI systems. */
const variants: Record<string, Record<string, unknown>> = {
  argocd: base,
  'argocd on self-hosted runners': {
    ...base,
    runnerLabels: ['self-hosted', 'linux'],
  },
  'helm-from-ci with kubeconfig secrets': {
    ...base,
    deploy: { mode: 'helm-from-ci' },
    secrets: { keys: ['API_KEY'], store: 'gcp-secret-manager' },
  },
  'helm-from-ci on a private EKS cluster': eks,
};

type Generated = Awaited<ReturnType<typeof bootstrap>>;
const generated = new Map<string, Generated>();
let workflowErrors: Record<string, string[]>;
let jenkinsErrors: Record<string, string[]>;

type Job = {
  needs?: string | string[];
  if?: string;
  'runs-on': string | string[];
  environment?: string;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Array<{
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    env?: Record<string, string>;
    with?: Record<string, string>;
  }>;
};
const workflowOf = (key: string): { env: object; jobs: Record<string, Job> } =>
  parse(generated.get(`${key}/github-actions`)!.read(WORKFLOW_PATH));
const jenkinsfileOf = (key: string) =>
  generated.get(`${key}/jenkins`)!.read('Jenkinsfile');

// One workspace per generated variant, all kept until the end of the file.
const root = mkdtempSync(join(tmpdir(), 'shiplog-delivery-'));
let workspaces = 0;
const generate = (input: Record<string, unknown>) =>
  bootstrap(input, {
    workspacePath: mkdtempSync(join(root, `${workspaces++}-`)),
  });

describe('shiplog:bootstrap delivery choices', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  beforeAll(async () => {
    const workflows: Record<string, string> = {};
    const jenkinsfiles: Record<string, string> = {};
    for (const [key, input] of Object.entries(variants)) {
      for (const ci of CI_SYSTEMS) {
        const result = await generate({ ...input, ci });
        generated.set(`${key}/${ci}`, result);
        if (ci === 'jenkins') jenkinsfiles[key] = result.read('Jenkinsfile');
        else workflows[key] = result.read(WORKFLOW_PATH);
      }
    }
    // Every registry's Jenkinsfile too: the login step differs.
    for (const registry of REGISTRIES.filter(r => r !== 'ghcr')) {
      const input = Object.values(exampleInputs).find(
        example => example.registry.type === registry,
      )!;
      const result = await generate({ ...input, ci: 'jenkins' });
      jenkinsfiles[`registry ${registry}`] = result.read(
        result.files.find(file => file.endsWith('Jenkinsfile'))!,
      );
    }
    workflowErrors = validateGithubWorkflows(workflows);
    jenkinsErrors = groovySyntaxErrors(jenkinsfiles);
  }, 240_000);

  it.each(Object.keys(variants))(
    "writes a workflow GitHub's parser accepts and a Jenkinsfile Groovy parses (%s)",
    key => {
      expect(workflowErrors[key]).toEqual([]);
      expect(jenkinsErrors[key]).toEqual([]);
    },
  );

  it.each(REGISTRIES.filter(r => r !== 'ghcr'))(
    'writes a Jenkinsfile Groovy parses for %s',
    registry => {
      expect(jenkinsErrors[`registry ${registry}`]).toEqual([]);
    },
  );

  it('cuts the release after the build: next-version, tag, GitHub release, the built image published as the version', () => {
    const { jobs } = workflowOf('argocd');
    expect(Object.keys(jobs)).toEqual(['test', 'build', 'release']);
    const release = jobs.release;
    expect(release.needs).toBe('build');
    expect(release.permissions).toEqual({
      contents: 'write',
      packages: 'write',
    });
    expect(release.steps[0]).toEqual({
      uses: 'actions/checkout@v4',
      with: { 'fetch-depth': '0' },
    });
    expect(release.steps[1].run).toBe('bash ci/shiplog-release.sh');
    const publish = release.steps.find(s => s.name === 'Publish the version')!;
    expect(publish.run).toContain(
      'imagetools create --tag "$IMAGE_REPOSITORY:$VERSION" "$IMAGE_REPOSITORY@$IMAGE_DIGEST"',
    );
    expect(release.env!.IMAGE_DIGEST).toBe('${{ needs.build.outputs.digest }}');
    // Nothing but the release script names a version.
    const reports = release.steps.filter(s =>
      s.run?.startsWith(`bash ${EVENT_SCRIPT_PATH}`),
    );
    expect(reports.map(s => [s.run, s.if, s.env!.VERSION])).toEqual([
      [
        'bash ci/shiplog-event.sh release succeeded',
        "steps.release.outputs.version != ''",
        '${{ steps.release.outputs.version }}',
      ],
      [
        'bash ci/shiplog-event.sh publish succeeded',
        "steps.release.outputs.version != ''",
        '${{ steps.release.outputs.version }}',
      ],
    ]);
    expect(generated.get('argocd/github-actions')!.files).toEqual(
      expect.arrayContaining(['ci/shiplog-release.sh']),
    );
  });

  it('runs every job on the chosen runner labels', () => {
    for (const job of Object.values(
      workflowOf('argocd on self-hosted runners').jobs,
    )) {
      expect(job['runs-on']).toEqual(['self-hosted', 'linux']);
    }
    for (const job of Object.values(workflowOf('argocd').jobs)) {
      expect(job['runs-on']).toBe('ubuntu-latest');
    }
    expect(jenkinsfileOf('argocd on self-hosted runners')).toContain(
      "agent { label 'self-hosted && linux' }",
    );
    expect(jenkinsfileOf('argocd')).toContain('  agent any\n');
  });

  it('deploys with Argo CD only in argocd mode: Applications, no deploy jobs', () => {
    const argocd = generated.get('argocd/github-actions')!.files;
    const helm = generated.get(
      'helm-from-ci on a private EKS cluster/github-actions',
    )!.files;
    expect(argocd).toEqual(
      expect.arrayContaining(['deploy/argocd/checkout-prod.yaml']),
    );
    expect(helm.some(file => file.includes('/argocd/'))).toBe(false);
    expect(helm).toEqual(expect.arrayContaining(['ci/merged-pr-labels.sh']));
    expect(jenkinsfileOf('argocd')).not.toContain("stage('Deploy");
  });

  it('deploys each environment in order with Helm, respecting no-deploy-to-<env> labels (helm-from-ci)', () => {
    const { jobs } = workflowOf('helm-from-ci on a private EKS cluster');
    expect(Object.keys(jobs)).toEqual([
      'test',
      'build',
      'release',
      'deploy-dev',
      'deploy-stage',
      'deploy-prod',
    ]);
    expect(jobs.release.outputs!.labels).toBe(
      '${{ steps.labels.outputs.labels }}',
    );
    expect(jobs.release.permissions['pull-requests']).toBe('read');
    expect(jobs['deploy-dev'].needs).toEqual(['release']);
    expect(jobs['deploy-stage'].needs).toEqual(['release', 'deploy-dev']);
    expect(jobs['deploy-prod'].needs).toEqual(['release', 'deploy-stage']);
    for (const environment of ['dev', 'stage', 'prod']) {
      const job = jobs[`deploy-${environment}`];
      expect(job.environment).toBe(environment);
      expect(job.if).toContain(`'no-deploy-to-${environment}'`);
      expect(job.if).toContain("needs.release.outputs.version != ''");
      expect(job.permissions).toEqual({
        contents: 'read',
        'id-token': 'write',
      });
      const helm = job.steps.find(s => s.name === `Deploy to ${environment}`)!;
      expect(helm.run).toContain(
        `helm upgrade --install ledger deploy/charts/ledger \\\n  --namespace ledger-${environment}`,
      );
      expect(helm.run).toContain(
        `--values deploy/charts/ledger/values-${environment}.yaml`,
      );
      expect(helm.run).toContain('--atomic');
      expect(job.steps.map(s => s.uses ?? s.name)).toEqual([
        'actions/checkout@v4',
        'Report deploy started',
        'aws-actions/configure-aws-credentials@v4',
        'Kubeconfig of payments (private endpoint, from inside the VPC)',
        'azure/setup-helm@v4',
        `Deploy to ${environment}`,
        'Report deploy succeeded',
        'Report deploy failed',
        'Report deploy cancelled',
      ]);
    }
    const assume = jobs['deploy-dev'].steps[2];
    expect(assume.with).toEqual({
      'role-to-assume': 'arn:aws:iam::123456789012:role/ci-deployer',
      'aws-region': 'eu-west-1',
    });
    const kubeconfig = workflowOf('helm-from-ci with kubeconfig secrets').jobs[
      'deploy-dev'
    ];
    expect(kubeconfig.permissions).toEqual({ contents: 'read' });
    expect(kubeconfig.steps[2].env).toEqual({
      KUBE_CONFIG: '${{ secrets.KUBE_CONFIG }}',
    });
  });

  it('posts deploy started, succeeded and failed events Shiplog accepts', () => {
    const workflow = workflowOf('helm-from-ci on a private EKS cluster');
    const job = workflow.jobs['deploy-stage'];
    const context = {
      github: {
        sha: '9f1c2e4d5b6a79801234567890abcdef12345678',
        repository: 'acme/ledger',
        repository_id: '42',
        run_id: '7',
        run_attempt: '1',
        server_url: 'https://github.com',
        actor: 'octocat',
      },
      secrets: { SHIPLOG_TOKEN: 'token' },
      needs: { release: { outputs: { version: '1.4.0' } } },
    };
    const events = job.steps
      .filter(step => step.run?.startsWith(`bash ${EVENT_SCRIPT_PATH}`))
      .map(step => {
        const env = Object.fromEntries(
          Object.entries({ ...workflow.env, ...job.env, ...step.env }).map(
            ([key, value]) => [
              key,
              substituteExpressions(String(value), context),
            ],
          ),
        );
        return runEventScript(EVENT_SCRIPT, step.run!.split(' ').slice(2), env)
          .body as Record<string, unknown>;
      });
    expect(
      events.map(e => [e.type, e.status, e.environment, e.version]),
    ).toEqual([
      ['deploy', 'started', 'stage', '1.4.0'],
      ['deploy', 'succeeded', 'stage', '1.4.0'],
      ['deploy', 'failed', 'stage', '1.4.0'],
      ['deploy', 'cancelled', 'stage', '1.4.0'],
    ]);
    for (const event of events) {
      const parsed = releaseEventInputSchema.safeParse(event);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect(event.id).toBe(`gha-42-7-1-deploy-stage-deploy-${event.status}`);
    }
  });

  it('deploys in order from Jenkins too, stopping at a no-deploy-to-<env> label', () => {
    const jenkinsfile = jenkinsfileOf('helm-from-ci on a private EKS cluster');
    const stages = [...jenkinsfile.matchAll(/stage\('([^']+)'\)/g)].map(
      ([, name]) => name,
    );
    expect(stages).toEqual([
      'Test',
      'Build and push',
      'Release',
      'Deploy dev',
      'Deploy stage',
      'Deploy prod',
    ]);
    expect(jenkinsfile).toContain(
      "agent { label 'self-hosted && linux && vpc' }",
    );
    expect(jenkinsfile).toContain(
      "readFile('merged-pr-labels.txt').readLines().contains('no-deploy-to-stage')",
    );
    expect(jenkinsfile).toContain(
      'aws eks update-kubeconfig --name payments --region eu-west-1 --role-arn arn:aws:iam::123456789012:role/ci-deployer',
    );
    expect(jenkinsfileOf('helm-from-ci with kubeconfig secrets')).toContain(
      "withCredentials([file(credentialsId: 'kubeconfig-prod', variable: 'KUBECONFIG')])",
    );
  });

  it('takes secrets from a Kubernetes Secret by key, filled per environment by an ExternalSecret', () => {
    const { read, files } = generated.get(
      'helm-from-ci on a private EKS cluster/github-actions',
    )!;
    const chart = 'deploy/charts/ledger';
    expect(parse(read(`${chart}/values.yaml`))).toMatchObject({
      secrets: {
        name: 'ledger-secrets',
        keys: ['DATABASE_URL', 'STRIPE_API_KEY'],
      },
      externalSecret: { enabled: true, storeName: 'aws-secrets-manager' },
    });
    expect(parse(read(`${chart}/values-prod.yaml`)).externalSecret).toEqual({
      remoteKey: 'ledger/prod',
    });
    const deployment = read(`${chart}/templates/deployment.yaml`);
    expect(deployment).toContain(
      '              valueFrom:\n                secretKeyRef:\n                  name: {{ $.Values.secrets.name }}\n                  key: {{ . }}',
    );
    const externalSecret = read(`${chart}/templates/externalsecret.yaml`);
    expect(externalSecret).toContain('kind: ExternalSecret');
    expect(externalSecret).toContain('kind: ClusterSecretStore');
    expect(externalSecret).toContain('property: {{ . }}');
    // GCP secret ids take no "/".
    const gcp = generated.get(
      'helm-from-ci with kubeconfig secrets/github-actions',
    )!;
    expect(
      parse(gcp.read(`deploy/charts/checkout/values-stage.yaml`))
        .externalSecret,
    ).toEqual({
      remoteKey: 'checkout-stage',
    });
    // Without secrets, the chart reads none and creates no ExternalSecret.
    const plain = parse(
      generated
        .get('argocd/github-actions')!
        .read('deploy/charts/checkout/values.yaml'),
    );
    expect(plain.secrets.keys).toEqual([]);
    expect(plain.externalSecret.enabled).toBe(false);
    expect(files.filter(f => f.endsWith('.yaml')).length).toBeGreaterThan(0);
  });

  it.each([
    [
      {
        deploy: { mode: 'helm-from-ci' },
        gitops: {
          layout: 'separate-repository',
          repoUrl: 'https://github.com/acme/gitops',
        },
      },
      'deploy.mode: helm-from-ci deploys the chart of the service repository',
    ],
    [
      { ...eks, runnerLabels: ['ubuntu-latest'] },
      'runnerLabels: must include self-hosted',
    ],
    [
      { deploy: { eks: eks.deploy.eks } },
      'deploy.eks: is only used with deploy mode helm-from-ci',
    ],
    [
      { secrets: { store: 'aws-secrets-manager' } },
      'secrets.keys: must name at least one key',
    ],
    [
      { secrets: { keys: ['database-url'] } },
      'secrets.keys.0: must be an environment variable name',
    ],
    [{ runnerLabels: ['bad label'] }, 'runnerLabels.0: must be a runner label'],
    [{ deploy: { mode: 'kubectl' } }, 'deploy.mode: Invalid enum value'],
    [
      {
        ...eks,
        deploy: {
          mode: 'helm-from-ci',
          eks: { cluster: 'payments', region: 'eu-west-1' },
        },
      },
      'deploy.eks.roleArn: is required for helm-from-ci on EKS',
    ],
  ])('refuses %j', async (input, message) => {
    await expect(bootstrap({ ...base, ...input })).rejects.toThrow(message);
  });
});
