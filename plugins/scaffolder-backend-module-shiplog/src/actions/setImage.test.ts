import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import { createShiplogSetImageAction } from './setImage';

const action = createShiplogSetImageAction();

// Comments, quoting, a flow mapping and odd spacing: everything but the tag must survive byte for byte.
const VALUES = `# checkout in stage
replicaCount: 2   # two for the demo
image:
  repository: 'ghcr.io/acme/checkout'
  tag: "1.4.0" # promoted by Shiplog
resources: { limits: { memory: 256Mi } }
`;

function workspace() {
  const dir = createMockDirectory({ mockOsTmpDir: false });
  dir.setContent({
    'deploy/charts/checkout/values-stage.yaml': VALUES,
    'gitops/charts/checkout/values-prod.yaml': 'image:\n  tag: 1.3.0\n',
  });
  return dir;
}

async function run(
  dir: ReturnType<typeof workspace>,
  input: Record<string, unknown>,
  isDryRun = false,
) {
  const ctx = {
    ...createMockActionContext({
      input: input as never,
      workspacePath: dir.path,
    }),
    isDryRun,
  };
  await action.handler(ctx);
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
}

describe('shiplog:gitops:set-image', () => {
  it('changes only the bytes of the tag', async () => {
    const dir = workspace();
    const outputs = await run(dir, {
      valuesPath: 'deploy/charts/checkout/values-stage.yaml',
      tag: '1.5.0',
    });
    expect(outputs).toEqual({
      path: 'deploy/charts/checkout/values-stage.yaml',
      previousTag: '1.4.0',
      changed: true,
    });
    expect(
      readFileSync(
        dir.resolve('deploy/charts/checkout/values-stage.yaml'),
        'utf8',
      ),
    ).toBe(VALUES.replace('"1.4.0"', '"1.5.0"'));
  });

  it('changes nothing when run again', async () => {
    const dir = workspace();
    const input = {
      valuesPath: 'deploy/charts/checkout/values-stage.yaml',
      tag: '1.5.0',
    };
    await run(dir, input);
    const once = dir.content();
    expect(await run(dir, input)).toMatchObject({
      previousTag: '1.5.0',
      changed: false,
    });
    expect(dir.content()).toEqual(once);
  });

  it('fills the values-path annotation placeholders inside a directory', async () => {
    const dir = workspace();
    const outputs = await run(
      dir,
      {
        directory: 'gitops',
        valuesPath: 'charts/{{component}}/values-{{environment}}.yaml',
        component: 'checkout',
        environment: 'prod',
        tag: '9f1c2e4d5b6a79801234567890abcdef12345678',
      },
      true,
    );
    expect(outputs).toMatchObject({
      path: 'gitops/charts/checkout/values-prod.yaml',
      changed: true,
    });
    expect(
      readFileSync(
        dir.resolve('gitops/charts/checkout/values-prod.yaml'),
        'utf8',
      ),
    ).toBe('image:\n  tag: 9f1c2e4d5b6a79801234567890abcdef12345678\n');
  });

  it('keeps a tag that looks like a number a string', async () => {
    const dir = workspace();
    await run(dir, {
      directory: 'gitops',
      valuesPath: 'charts/checkout/values-prod.yaml',
      tag: '1.10',
    });
    expect(
      readFileSync(
        dir.resolve('gitops/charts/checkout/values-prod.yaml'),
        'utf8',
      ),
    ).toBe('image:\n  tag: "1.10"\n');
  });

  it.each([
    [
      { valuesPath: '../secrets.yaml' },
      'valuesPath: values path "../secrets.yaml" must be a relative path',
    ],
    [
      { directory: '../..', valuesPath: 'values.yaml' },
      'directory: "../.." is outside the workspace',
    ],
    [
      { valuesPath: 'charts/{{environment}}/values.yaml' },
      'valuesPath: values path "charts/{{environment}}/values.yaml" has an unknown placeholder',
    ],
    [
      { valuesPath: 'deploy/missing.yaml' },
      'valuesPath: deploy/missing.yaml does not exist in the workspace',
    ],
    [
      {
        valuesPath: 'deploy/charts/checkout/values-stage.yaml',
        keyPath: 'image.digest',
      },
      'keyPath: key image.digest is missing',
    ],
    [
      {
        valuesPath: 'deploy/charts/checkout/values-stage.yaml',
        keyPath: 'image',
      },
      'keyPath: ',
    ],
    [
      {
        valuesPath: 'deploy/charts/checkout/values-stage.yaml',
        tag: 'has space',
      },
      'tag: must be an image tag',
    ],
    [
      { valuesPath: 'deploy/charts/checkout/values-stage.yaml', tag: '' },
      'tag: must be an image tag',
    ],
  ])('refuses %j', async (override, message) => {
    const dir = workspace();
    await expect(run(dir, { tag: '1.5.0', ...override })).rejects.toThrow(
      message,
    );
    expect(
      readFileSync(
        dir.resolve('deploy/charts/checkout/values-stage.yaml'),
        'utf8',
      ),
    ).toBe(VALUES);
  });
});
