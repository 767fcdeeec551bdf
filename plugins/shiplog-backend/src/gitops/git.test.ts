import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { readAllowedGitRepositories } from './allowedGitRepositories';
import {
  checkGitRepository,
  gitUrlHost,
  MAX_REDACTED_LENGTH,
  redactCredentials,
} from './git';
import { valuesFileUrl } from './valuesFileUrl';

describe('redactCredentials', () => {
  it('removes the user info of every URL, keeping the rest', () => {
    expect(
      redactCredentials(
        'fatal: https://x-access-token:ghs_abc@github.com/a/b.git and ssh://git:pw@h:22/r, git@github.com:a/b',
      ),
    ).toBe(
      'fatal: https://***@github.com/a/b.git and ssh://***@h:22/r, git@github.com:a/b',
    );
    expect(redactCredentials('no urls here')).toBe('no urls here');
    expect(redactCredentials('https://host/path@x')).toBe(
      'https://host/path@x',
    );
  });

  it('is linear: 40,000 hostile characters take milliseconds, not seconds', () => {
    for (const hostile of [
      'a'.repeat(40_000),
      'a://'.repeat(10_000),
      `https://${'a'.repeat(40_000)}`,
      `${'x:'.repeat(20_000)}`,
    ]) {
      const started = process.hrtime.bigint();
      redactCredentials(hostile);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect(ms).toBeLessThan(200);
    }
  });

  it('reads a bounded tail, never starting inside a credential', () => {
    const text = `https://user:secret-token@host/x ${'y'.repeat(
      MAX_REDACTED_LENGTH,
    )} https://u:t@h/z`;
    const redacted = redactCredentials(text);
    expect(redacted.length).toBeLessThanOrEqual(MAX_REDACTED_LENGTH + 1);
    expect(redacted).not.toContain('secret-token');
    expect(redacted.endsWith('https://***@h/z')).toBe(true);
    const cutInside = `https://user:${'s'.repeat(MAX_REDACTED_LENGTH)}@host/x`;
    expect(redactCredentials(cutInside)).not.toContain('sss');
  });
});

describe('checkGitRepository with allowed hosts', () => {
  const allowed = readAllowedGitRepositories(
    new ConfigReader({
      shiplog: {
        gitops: { allowedHosts: ['git.internal', 'Gitea.Example.com:3000'] },
      },
    }),
    ScmIntegrations.fromConfig(
      new ConfigReader({ integrations: { github: [{ host: 'github.com' }] } }),
    ),
  );

  it.each([
    'https://github.com/acme/gitops',
    'git@github.com:acme/gitops.git',
    'ssh://git@git.internal:2222/acme/gitops.git',
    'http://gitea.example.com:3000/acme/gitops.git',
  ])('allows %s (integration or allowed host)', async repository => {
    await expect(
      checkGitRepository(repository, allowed),
    ).resolves.toBeUndefined();
  });

  it.each([
    ['loopback', 'http://127.0.0.1:6379/x.git', '127.0.0.1:6379'],
    ['loopback in hex', 'http://0x7f.1:22/x.git', '127.0.0.1:22'],
    ['link-local metadata', 'http://169.254.169.254/latest', '169.254.169.254'],
    ['localhost over ssh', 'ssh://git@localhost:25/x', 'localhost:25'],
    ['an scp-style unknown host', 'git@10.0.0.1:x.git', '10.0.0.1'],
    [
      'an allowed host on another port',
      'http://gitea.example.com:22/x',
      'gitea.example.com:22',
    ],
  ])('refuses %s', async (_label, repository, shown) => {
    await expect(checkGitRepository(repository, allowed)).rejects.toThrow(
      `${shown} is not a Git host Shiplog may reach`,
    );
  });

  it('finds the host of each URL form', () => {
    expect(gitUrlHost('file:///srv/x.git')).toBeUndefined();
    expect(gitUrlHost('git://H.example/x')).toEqual({ hostname: 'h.example' });
  });
});

describe('valuesFileUrl', () => {
  const github = ScmIntegrations.fromConfig(
    new ConfigReader({ integrations: { github: [{ host: 'github.com' }] } }),
  ).github.byHost('github.com')!;

  it('builds the blob URL of the file', () => {
    expect(
      valuesFileUrl(
        github,
        'https://github.com/acme/gitops.git',
        'main',
        'charts/x/values.yaml',
      ),
    ).toBe('https://github.com/acme/gitops/tree/main/charts/x/values.yaml');
  });

  it.each([
    '%2e%2e/%2e%2e/other/secrets/blob/main/values.yaml',
    '..%2f..%2fother/values.yaml',
    '/../../other/values.yaml',
    'https://github.com/other/repo/blob/main/values.yaml',
  ])('refuses a path that leaves the repository: %s', path => {
    expect(() =>
      valuesFileUrl(github, 'https://github.com/acme/gitops', 'main', path),
    ).toThrow(/leaves the repository/);
  });
});
