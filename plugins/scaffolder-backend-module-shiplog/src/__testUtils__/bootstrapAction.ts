import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createShiplogBootstrapAction } from '../actions/bootstrap';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com' }],
      gitlab: [
        { host: 'gitlab.acme.io', apiBaseUrl: 'https://gitlab.acme.io/api/v4' },
      ],
    },
  }),
);
const action = createShiplogBootstrapAction({
  integrations,
  defaultShiplogUrl: 'https://backstage.acme.io',
});

/** Runs shiplog:bootstrap in a fresh workspace (or the given one) and returns its outputs and files. */
export async function bootstrap(
  input: Record<string, unknown>,
  options: { workspacePath?: string; isDryRun?: boolean } = {},
) {
  const workspace = options.workspacePath
    ? undefined
    : createMockDirectory({ mockOsTmpDir: false });
  const workspacePath = options.workspacePath ?? workspace!.path;
  const ctx = {
    ...createMockActionContext({ input: input as never, workspacePath }),
    isDryRun: options.isDryRun,
  };
  await action.handler(ctx);
  const outputs = Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
  const read = (path: string) =>
    readFileSync(join(workspacePath, path), 'utf8');
  return { workspacePath, outputs, read, files: outputs.files as string[] };
}
