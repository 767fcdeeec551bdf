import { createMockDirectory } from '@backstage/backend-test-utils';
import {
  ReleaseEventInput,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { setYamlScalar } from '@shiplog/plugin-shiplog-node';
import { DockerfileParser } from 'dockerfile-ast';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { argoApplicationErrors } from '../__testUtils__/argoApplication';
import { runEventScript } from '../__testUtils__/eventScript';
import { substituteExpressions } from '../__testUtils__/githubExpressions';
import { validateGithubWorkflows } from '../__testUtils__/githubWorkflow';
import { EVENT_SCRIPT, EVENT_SCRIPT_PATH } from '../bootstrap/ci';
import { WORKFLOW_PATH } from '../bootstrap/generate';
import { CI_SYSTEMS, REGISTRIES, RUNTIMES } from '../bootstrap/options';
import { bootstrap } from '../__testUtils__/bootstrapAction';
import { exampleInputs } from './bootstrap.examples';

const registryInputs = {
  ghcr: { type: 'ghcr' },
  gar: exampleInputs.garGoSeparateRepository.registry,
  ecr: exampleInputs.ecrJavaJenkins.registry,
  harbor: exampleInputs.harborPython.registry,
};

// A mixed-case owner shows the ghcr image is lower-cased while the slug keeps GitHub's spelling.
const baseInput = {
  ...exampleInputs.ghcrNodeInRepository,
  repoUrl: 'github.com?owner=Acme&repo=checkout',
};

/** Sample values for the expressions of the generated workflow, as one run would have them. */
const sampleRun = (attempt: number) => ({
  github: {
    sha: '9f1c2e4d5b6a79801234567890abcdef12345678',
    repository: 'acme/checkout',
    repository_id: '123456',
    run_id: '987654321',
    run_attempt: String(attempt),
    server_url: 'https://github.com',
    actor: 'octocat',
    event: {
      commits: [
        {
          id: '9f1c2e4d5b6a79801234567890abcdef12345678',
          message: 'feat: take payments (#42)\n\nlong body',
          author: { name: 'Mona', username: 'octocat' },
        },
      ],
    },
  },
  secrets: { SHIPLOG_TOKEN: 'shiplog-dev-ci-token-0123456789' },
  steps: {
    version: { outputs: { version: '1.4.0' } },
    build: {
      outputs: {
        digest: `sha256:${'ab'.repeat(32)}`,
      },
    },
  },
});

const SHA = '9f1c2e4d5b6a79801234567890abcdef12345678';

type WorkflowStep = {
  name?: string;
  run?: string;
  env?: Record<string, string>;
};

/** The events the build job of a generated workflow posts, by running its report steps' script. */
function workflowEvents(workflowYaml: string, attempt = 1) {
  const workflow = parse(workflowYaml);
  const job = workflow.jobs.build;
  const context = sampleRun(attempt);
  return (job.steps as WorkflowStep[])
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
      const args = step.run!.split(' ').slice(2);
      return { step: step.name, ...runEventScript(EVENT_SCRIPT, args, env) };
    });
}

/** Checks a generated Dockerfile with a real parser. */
function checkDockerfile(content: string) {
  const dockerfile = DockerfileParser.parse(content);
  const froms = dockerfile.getFROMs();
  expect(froms.length).toBeGreaterThanOrEqual(2);
  for (const from of froms) {
    const image = from.getImageName();
    if (image === 'scratch') continue;
    // Pinned: an exact version tag, never latest or a bare major.
    expect(from.getImageTag()).toMatch(/^[\w.-]*\d+\.\d+[\w.-]*$/);
    expect(from.getImageTag()).not.toBe('latest');
  }
  const users = dockerfile
    .getInstructions()
    .filter(instruction => instruction.getKeyword() === 'USER');
  const lastFromLine = froms[froms.length - 1].getRange().start.line;
  const runtimeUser = users
    .filter(user => user.getRange().start.line > lastFromLine)
    .pop();
  expect(runtimeUser).toBeDefined();
  const uid = runtimeUser!.getArgumentsContent()!.split(':')[0];
  expect(uid).toMatch(/^\d+$/);
  expect(Number(uid)).toBeGreaterThan(0);
  expect(
    dockerfile
      .getInstructions()
      .some(i => i.getKeyword() === 'CMD' || i.getKeyword() === 'ENTRYPOINT'),
  ).toBe(true);
}

describe('shiplog:bootstrap', () => {
  const combinations = RUNTIMES.flatMap(runtime =>
    REGISTRIES.flatMap(registry =>
      CI_SYSTEMS.map(ci => ({ runtime, registry, ci })),
    ),
  );
  const generated = new Map<string, Awaited<ReturnType<typeof bootstrap>>>();
  let workflowErrors: Record<string, string[]> = {};

  beforeAll(async () => {
    for (const combination of combinations) {
      const key = `${combination.runtime}/${combination.registry}/${combination.ci}`;
      generated.set(
        key,
        await bootstrap({
          ...baseInput,
          runtime: combination.runtime,
          ci: combination.ci,
          registry: registryInputs[combination.registry],
        }),
      );
    }
    // One run of GitHub's parser for every generated workflow.
    const workflows: Record<string, string> = {};
    for (const [key, result] of generated) {
      if (key.endsWith('github-actions'))
        workflows[key] = result.read(WORKFLOW_PATH);
    }
    workflowErrors = validateGithubWorkflows(workflows);
  }, 120_000);

  it.each(combinations)(
    'writes valid files for $runtime on $registry with $ci',
    ({ runtime, registry, ci }) => {
      const result = generated.get(`${runtime}/${registry}/${ci}`)!;
      const { files, read } = result;

      for (const file of files.filter(
        f => /\.ya?ml$/.test(f) && !f.includes('/templates/'),
      )) {
        expect([file, parseDocument(read(file)).errors]).toEqual([file, []]);
      }

      checkDockerfile(read('Dockerfile'));
      expect(read('.dockerignore')).toContain('.git\n');

      // The other CI system's file is not written.
      expect(files.includes('Jenkinsfile')).toBe(ci === 'jenkins');
      expect(files.includes(WORKFLOW_PATH)).toBe(ci === 'github-actions');

      for (const environment of ['dev', 'stage', 'prod']) {
        const values = parse(
          read(`deploy/charts/checkout/values-${environment}.yaml`),
        );
        expect(values.image.tag).toBe('0.1.0');
        const application = parse(
          read(`deploy/argocd/checkout-${environment}.yaml`),
        );
        expect(argoApplicationErrors(application)).toEqual([]);
        expect(application.metadata.labels).toEqual({
          'app.kubernetes.io/name': 'checkout',
          'shiplog.dev/environment': environment,
        });
        expect(application.spec.source.helm.valueFiles).toEqual([
          `values-${environment}.yaml`,
        ]);
        expect(Boolean(application.spec.syncPolicy.automated)).toBe(
          environment !== 'prod',
        );
      }
    },
  );

  it.each(combinations.filter(c => c.ci === 'github-actions'))(
    "writes a workflow that passes GitHub's parser with least privilege for $runtime on $registry",
    ({ runtime, registry, ci }) => {
      const { read } = generated.get(`${runtime}/${registry}/${ci}`)!;
      expect(workflowErrors[`${runtime}/${registry}/${ci}`]).toEqual([]);
      const workflow = parse(read(WORKFLOW_PATH));
      expect(workflow.permissions).toEqual({});
      expect(workflow.concurrency.group).toContain('github.ref');
      expect(workflow.jobs.build.needs).toBe('test');
      // contents: read, plus packages: write for GHCR or id-token: write for OIDC logins; nothing else.
      const expected: Record<string, string> = { contents: 'read' };
      if (registry === 'ghcr') expected.packages = 'write';
      if (registry === 'gar' || registry === 'ecr')
        expected['id-token'] = 'write';
      expect(workflow.jobs.build.permissions).toEqual(expected);
      expect(workflow.jobs.test.permissions).toEqual({ contents: 'read' });
    },
  );

  it.each(combinations.filter(c => c.ci === 'jenkins'))(
    'writes a Jenkinsfile with the Shiplog credential and one build per branch for $runtime on $registry',
    ({ runtime, registry, ci }) => {
      const jenkinsfile = generated
        .get(`${runtime}/${registry}/${ci}`)!
        .read('Jenkinsfile');
      expect(jenkinsfile).toContain("credentials('shiplog-ci-token')");
      expect(jenkinsfile).toContain('disableConcurrentBuilds()');
    },
  );

  it('writes the annotations Shiplog and Argo CD read', async () => {
    const { read, outputs } = generated.get('node/ghcr/github-actions')!;
    const entity = parse(read('catalog-info.yaml'));
    expect(entity.metadata.annotations).toEqual({
      'github.com/project-slug': 'Acme/checkout',
      'argocd/app-selector': 'app.kubernetes.io/name=checkout',
      'shiplog.dev/gitops-repo': 'https://github.com/Acme/checkout',
      'shiplog.dev/values-path':
        'deploy/charts/checkout/values-{{environment}}.yaml',
      'shiplog.dev/image-tag-path': 'image.tag',
      'shiplog.dev/image': 'ghcr.io/acme/checkout',
      'shiplog.dev/environments': 'dev,stage,prod',
    });
    expect(entity.spec).toEqual({
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/team-shop',
    });
    expect(outputs).toMatchObject({
      entityRef: 'component:default/checkout',
      image: 'ghcr.io/acme/checkout',
      valuesPath: 'deploy/charts/checkout/values-{{environment}}.yaml',
      gitopsRepoUrl: 'https://github.com/Acme/checkout',
    });
    expect(
      statSync(
        join(
          generated.get('node/ghcr/github-actions')!.workspacePath,
          EVENT_SCRIPT_PATH,
        ),
      ).mode & 0o111,
    ).toBeTruthy();
  });

  it.each(REGISTRIES)(
    'posts build and publish events that Shiplog accepts, with the digest of the build (%s)',
    registry => {
      const { read } = generated.get(`node/${registry}/github-actions`)!;
      const events = workflowEvents(read(WORKFLOW_PATH));
      expect(events.map(e => e.step)).toEqual([
        'Report build started',
        'Report build succeeded',
        'Report image published',
        'Report build failed',
        'Report build cancelled',
      ]);
      for (const event of events) {
        expect([event.step, event.stderr]).toEqual([event.step, '']);
        const parsed = releaseEventInputSchema.safeParse(event.body);
        expect([event.step, parsed.success ? [] : parsed.error.issues]).toEqual(
          [event.step, []],
        );
        expect(event.curlArgs).toEqual(
          expect.arrayContaining([
            'https://backstage.acme.io/api/shiplog/v1/events',
            'Authorization: Bearer shiplog-dev-ci-token-0123456789',
            '--retry',
          ]),
        );
      }
      const [started, , published] = events.map(
        // Each body was validated against Shiplog's event schema just above.
        e => e.body as ReleaseEventInput,
      );
      expect(started).toMatchObject({
        id: 'gha-123456-987654321-1-build-started',
        entityRef: 'component:default/checkout',
        type: 'build',
        status: 'started',
        version: '1.4.0',
        commitSha: '9f1c2e4d5b6a79801234567890abcdef12345678',
        runUrl:
          'https://github.com/acme/checkout/actions/runs/987654321/attempts/1',
        actor: 'octocat',
        source: 'github-actions',
        commits: [
          {
            sha: '9f1c2e4d5b6a79801234567890abcdef12345678',
            message: 'feat: take payments (#42)\n\nlong body',
            author: 'octocat',
          },
        ],
      });
      const image = parse(read('catalog-info.yaml')).metadata.annotations[
        'shiplog.dev/image'
      ];
      expect(published.image).toEqual({
        repository: image,
        tag: '1.4.0',
        digest: `sha256:${'ab'.repeat(32)}`,
      });
    },
  );

  it('gives events ids unique per run attempt and stable across retries', () => {
    const { read } = generated.get('go/ghcr/github-actions')!;
    const ids = (attempt: number) =>
      workflowEvents(read(WORKFLOW_PATH), attempt).map(
        e => (e.body as { id: string }).id,
      );
    const first = ids(1);
    expect(new Set(first).size).toBe(first.length);
    expect(ids(1)).toEqual(first);
    expect(ids(2).some(id => first.includes(id))).toBe(false);
  });

  it('posts events from Jenkins that Shiplog accepts', () => {
    const { read } = generated.get('java/harbor/jenkins')!;
    const jenkinsfile = read('Jenkinsfile');
    const jenkinsEnv: Record<string, string> = {
      BUILD_TAG: 'jenkins-inventory-main-17',
      GIT_COMMIT: '9f1c2e4d5b6a79801234567890abcdef12345678',
      BUILD_URL: 'https://jenkins.acme.io/job/inventory/job/main/17/',
    };
    // The environment block's assignments, resolved as Jenkins would for this build.
    const environment = Object.fromEntries(
      [
        ...jenkinsfile.matchAll(
          /^ {4}(\w+) = (?:'([^']*)'|"\$\{env\.(\w+)\}"|credentials\('([^']+)'\))$/gm,
        ),
      ].map(([, key, literal, fromEnv, credential]) => [
        key,
        literal ?? (fromEnv ? jenkinsEnv[fromEnv] : `token-of-${credential}`),
      ]),
    );
    expect(Object.keys(environment)).toEqual(
      expect.arrayContaining([
        'SHIPLOG_URL',
        'SHIPLOG_TOKEN',
        'SHIPLOG_ENTITY',
        'EVENT_ID_PREFIX',
        'COMMIT_SHA',
        'RUN_URL',
      ]),
    );
    const reports = [
      ...jenkinsfile.matchAll(/sh 'bash ci\/shiplog-event\.sh (\w+) (\w+)'/g),
    ].map(([, type, status]) => [type, status]);
    expect(reports).toEqual([
      ['build', 'started'],
      ['build', 'succeeded'],
      ['publish', 'succeeded'],
      ['release', 'succeeded'],
      ['publish', 'succeeded'],
      ['build', 'failed'],
      ['build', 'cancelled'],
    ]);
    for (const args of reports) {
      const { body, stderr } = runEventScript(EVENT_SCRIPT, args, {
        ...environment,
        VERSION: '2.0.0',
        IMAGE_DIGEST: `sha256:${'cd'.repeat(32)}`,
      });
      expect(stderr).toBe('');
      const parsed = releaseEventInputSchema.safeParse(body);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
      expect((body as { id: string }).id).toBe(
        `jenkins-inventory-main-17-${args[0]}-${args[1]}`,
      );
    }
  });

  // The build names an image by its commit only; versions come from the release job alone (a tag
  // pushed by hand no longer publishes a version, and the workflow has no tag trigger).
  it.each([
    ['refs/tags/v1.4.0', SHA, [SHA]],
    ['refs/heads/main', SHA, [SHA]],
  ])(
    'tags the build by commit sha, never latest nor a hand-pushed version (%s)',
    (ref, version, tags) => {
      const workflow = parse(
        generated.get('node/ghcr/github-actions')!.read(WORKFLOW_PATH),
      );
      const script = (workflow.jobs.build.steps as WorkflowStep[]).find(
        s => s.name === 'Version and tags',
      )!.run!;
      const dir = createMockDirectory({ mockOsTmpDir: false });
      dir.addContent({ output: '' });
      const result = spawnSync('bash', ['-c', script], {
        env: {
          GITHUB_REF: ref,
          GITHUB_SHA: SHA,
          GITHUB_OUTPUT: dir.resolve('output'),
          IMAGE_REPOSITORY: 'ghcr.io/acme/checkout',
        },
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      const output = Object.fromEntries(
        readFileSync(dir.resolve('output'), 'utf8')
          .trim()
          .split('\n')
          .map(line => line.split('=') as [string, string]),
      );
      expect(output.version).toBe(version);
      expect(output.tags.split(',').sort()).toEqual(
        tags.map(tag => `ghcr.io/acme/checkout:${tag}`).sort(),
      );
    },
  );

  it('writes values files that promotions can edit in place', () => {
    const { read } = generated.get('node/ghcr/github-actions')!;
    for (const environment of ['dev', 'stage', 'prod']) {
      const source = read(`deploy/charts/checkout/values-${environment}.yaml`);
      const edit = setYamlScalar(source, 'image.tag', '1.5.0');
      expect(edit).toMatchObject({ previous: '0.1.0', changed: true });
      expect(edit.content).toBe(source.replace('"0.1.0"', '"1.5.0"'));
    }
  });

  it('keeps a numeric-looking image tag a string in the values files', async () => {
    const { read } = await bootstrap({ ...baseInput, imageTag: '1.10' });
    expect(
      parse(read('deploy/charts/checkout/values-dev.yaml')).image.tag,
    ).toBe('1.10');
  });

  it('reports nothing, without failing the pipeline, when Shiplog is not configured', () => {
    const result = runEventScript(EVENT_SCRIPT, ['build', 'started'], {});
    expect(result.status).toBe(0);
    expect(result.body).toBeUndefined();
    expect(result.stderr).toContain('SHIPLOG_URL or SHIPLOG_TOKEN is not set');
  });

  it('writes values and Applications for a separate GitOps repository', async () => {
    const { read, files, outputs } = await bootstrap(
      exampleInputs.garGoSeparateRepository,
    );
    expect(files).toEqual(
      expect.arrayContaining([
        'service/Dockerfile',
        'service/.github/workflows/ci.yaml',
        'service/catalog-info.yaml',
        'gitops/charts/payments/Chart.yaml',
        'gitops/charts/payments/values-qa.yaml',
        'gitops/argocd/payments-prod.yaml',
      ]),
    );
    expect(files.some(file => file.startsWith('service/deploy/'))).toBe(false);
    const application = parse(read('gitops/argocd/payments-dev.yaml'));
    expect(application.spec.source).toMatchObject({
      repoURL: 'https://github.com/acme/gitops',
      path: 'charts/payments',
      targetRevision: 'main',
    });
    const annotations = parse(read('service/catalog-info.yaml')).metadata
      .annotations;
    expect(annotations['shiplog.dev/gitops-repo']).toBe(
      'https://github.com/acme/gitops',
    );
    expect(annotations['shiplog.dev/values-path']).toBe(
      'charts/payments/values-{{environment}}.yaml',
    );
    expect(outputs).toMatchObject({
      sourcePath: 'service',
      gitopsPath: 'gitops',
    });
  });

  it('takes the GitOps repository in RepoUrlPicker form too', async () => {
    const { read } = await bootstrap({
      ...exampleInputs.garGoSeparateRepository,
      gitops: {
        layout: 'separate-repository',
        repoUrl: 'github.com?owner=acme&repo=gitops',
      },
    });
    expect(
      parse(read('gitops/argocd/payments-dev.yaml')).spec.source.repoURL,
    ).toBe('https://github.com/acme/gitops');
  });

  it('syncs the chosen production environments by hand', async () => {
    const { read } = await bootstrap(exampleInputs.harborPython);
    const automated = (env: string) =>
      Boolean(
        parse(read(`deploy/argocd/notifier-${env}.yaml`)).spec.syncPolicy
          .automated,
      );
    expect([automated('dev'), automated('stage'), automated('prod')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('omits the GitHub slug for a repository on another host', async () => {
    const { read } = await bootstrap({
      ...baseInput,
      repoUrl: 'gitlab.acme.io?owner=shop&repo=checkout',
      registry: registryInputs.harbor,
    });
    const annotations = parse(read('catalog-info.yaml')).metadata.annotations;
    expect(annotations['github.com/project-slug']).toBeUndefined();
    expect(annotations['shiplog.dev/gitops-repo']).toBe(
      'https://gitlab.acme.io/shop/checkout',
    );
  });

  it('gives the same workspace when run twice, and keeps skeleton files their owner changed', async () => {
    const first = await bootstrap(baseInput);
    const mock = createMockDirectory({ mockOsTmpDir: false });
    await bootstrap(baseInput, { workspacePath: mock.path });
    const once = mock.content();
    await bootstrap(baseInput, { workspacePath: mock.path });
    expect(mock.content()).toEqual(once);
    // Nothing but the generated files, each written once.
    expect(Object.keys(flatten(once ?? {})).sort()).toEqual(
      [...first.files].sort(),
    );

    mock.addContent({ 'src/server.js': 'custom' });
    await bootstrap(baseInput, { workspacePath: mock.path });
    expect(readFileSync(join(mock.path, 'src/server.js'), 'utf8')).toBe(
      'custom',
    );
  });

  it('runs in a dry run exactly as for real', async () => {
    const real = await bootstrap(baseInput);
    const dry = await bootstrap(baseInput, { isDryRun: true });
    expect(dry.files).toEqual(real.files);
    expect(dry.read(WORKFLOW_PATH)).toEqual(real.read(WORKFLOW_PATH));
  });

  it.each(Object.entries(exampleInputs))(
    'runs the example %s',
    async (_, input) => {
      const { files } = await bootstrap(input);
      expect(files.length).toBeGreaterThan(10);
    },
  );

  it.each([
    [
      { targetPath: '../outside' },
      'targetPath: "../outside" is outside the workspace',
    ],
    [
      {
        gitops: {
          layout: 'separate-repository',
          repoUrl: 'https://github.com/acme/gitops',
          targetPath: '../../etc',
        },
      },
      'gitops.targetPath: "../../etc" is outside the workspace',
    ],
    [{ targetPath: '/etc' }, 'targetPath: "/etc" is outside the workspace'],
    [{ name: 'Checkout' }, 'name: must be a DNS-1123 label'],
    [{ name: 'x'.repeat(43) }, 'name: String must contain at most 42'],
    [{ runtime: 'ruby' }, 'runtime: Invalid enum value'],
    [{ registry: { type: 'dockerhub' } }, 'registry.type: Invalid enum value'],
    [
      {
        registry: {
          type: 'gar',
          image: 'europe-west1-docker.pkg.dev/acme/services/checkout',
        },
      },
      'registry.gcpWorkloadIdentityProvider: is required for gar',
    ],
    [
      {
        registry: {
          type: 'ecr',
          image: 'ghcr.io/acme/checkout',
          awsRoleArn: 'arn:aws:iam::123456789012:role/ci',
        },
      },
      'registry.image: must be <account>.dkr.ecr.<region>.amazonaws.com/<image> for ecr',
    ],
    [
      {
        registry: {
          type: 'ecr',
          image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/checkout',
        },
      },
      'registry.awsRoleArn: is required for ecr',
    ],
    [
      { registry: { type: 'harbor' } },
      'registry.image: is required for the harbor registry',
    ],
    [
      { registry: { type: 'ghcr', image: 'ghcr.io/acme/checkout:latest' } },
      'registry.image: must be an image repository without tag',
    ],
    [{ ci: 'circleci' }, 'ci: Invalid enum value'],
    [{ environments: [] }, 'environments: Array must contain at least 1'],
    [
      { environments: ['dev', 'dev'] },
      'environments: must not repeat an environment',
    ],
    [{ environments: ['Dev'] }, 'environments.0: must be a DNS label'],
    [
      { productionEnvironments: ['live'] },
      'productionEnvironments.0: "live" is not one of the environments',
    ],
    [
      { gitops: { layout: 'separate-repository' } },
      'gitops.repoUrl: is required for a separate GitOps repository',
    ],
    [
      { repoUrl: 'bitbucket.example.com?owner=a&repo=b' },
      'repoUrl: No matching integration configuration for host bitbucket.example.com',
    ],
    [{ imageTag: 'latest tag' }, 'imageTag: must be a valid image tag'],
  ])('refuses bad input %j', async (override, message) => {
    await expect(bootstrap({ ...baseInput, ...override })).rejects.toThrow(
      message,
    );
  });
});

function flatten(content: object, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, value] of Object.entries(content)) {
    // Text files come back as strings, files it does not know as text (Dockerfile) as Buffers.
    if (typeof value === 'string' || Buffer.isBuffer(value)) {
      files[`${prefix}${name}`] = String(value);
    } else Object.assign(files, flatten(value, `${prefix}${name}/`));
  }
  return files;
}
