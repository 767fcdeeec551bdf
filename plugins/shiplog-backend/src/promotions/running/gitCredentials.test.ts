import { ConfigReader } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promotionChangeRequest } from '../../__testUtils__/promotionRequest';
import { GitRunner } from '../../gitops/git';
import { gitCredentialsEnv, integrationGitCredentials } from './gitCredentials';
import { GitPromotionExecutor } from './GitPromotionExecutor';

const integrations = ScmIntegrations.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.example', token: 'ghp-secret' }],
      gitlab: [
        {
          host: 'gitlab.example',
          token: 'glpat-secret',
          apiBaseUrl: 'https://gitlab.example/api/v4',
        },
      ],
      gitea: [{ host: 'gitea.example', username: 'bot', password: 'pw' }],
    },
  }),
);
const credentialsFor = integrationGitCredentials(
  integrations,
  DefaultGithubCredentialsProvider.fromIntegrations(integrations),
);

describe('integration credentials for plain Git', () => {
  it('takes each host’s credentials from integrations.*, and none for other hosts or transports', async () => {
    await expect(
      credentialsFor('https://github.example/acme/gitops.git'),
    ).resolves.toEqual({
      username: 'x-access-token',
      password: 'ghp-secret',
    });
    await expect(
      credentialsFor('https://gitlab.example/acme/gitops.git'),
    ).resolves.toEqual({
      username: 'oauth2',
      password: 'glpat-secret',
    });
    await expect(
      credentialsFor('https://gitea.example/acme/gitops.git'),
    ).resolves.toEqual({
      username: 'bot',
      password: 'pw',
    });
    await expect(
      credentialsFor('https://git.elsewhere/acme/gitops.git'),
    ).resolves.toBeUndefined();
    await expect(
      credentialsFor('file:///srv/gitops.git'),
    ).resolves.toBeUndefined();
  });

  it('hands them to every git command as a header in the environment, never in its arguments', async () => {
    const root = mkdtempSync(join(tmpdir(), 'shiplog-credentials-'));
    const seen: Array<{ args: string[]; env?: Record<string, string> }> = [];
    const runGit: GitRunner = async (args, options) => {
      seen.push({ args, env: options.env });
      throw new Error('unreachable host');
    };
    try {
      const executor = new GitPromotionExecutor({
        allowedFileRoots: [],
        author: { name: 'Shiplog', email: 'shiplog@localhost' },
        timeoutMs: 1000,
        runGit,
        tempRoot: root,
        credentialsFor,
      });
      await expect(
        executor.apply(
          promotionChangeRequest({
            repository: 'https://gitlab.example/acme/gitops.git',
            kind: 'commit',
            autoMerge: false,
            body: 'x',
            labels: [],
          }),
        ),
      ).rejects.toThrow('unreachable host');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(seen[0].args[0]).toBe('clone');
    expect(seen[0].env).toEqual(
      gitCredentialsEnv({ username: 'oauth2', password: 'glpat-secret' }),
    );
    expect(seen[0].env?.GIT_CONFIG_VALUE_0).toBe(
      `Authorization: Basic ${Buffer.from('oauth2:glpat-secret').toString(
        'base64',
      )}`,
    );
    expect(JSON.stringify(seen[0].args)).not.toContain('glpat-secret');
  });
});
