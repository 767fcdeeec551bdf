import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { seedBareRepository } from '@shiplog/argocd-simulator';
import { mkdir, mkdtemp, rm, symlink } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  GitOpsValuesReader,
  VALUES_FILE_UNREADABLE,
} from './GitOpsValuesReader';

jest.setTimeout(30_000);

describe('GitOpsValuesReader', () => {
  let dir: string;
  let reader: GitOpsValuesReader;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shiplog-values-reader-'));
    await mkdir(join(dir, 'allowed'));
    for (const place of ['allowed', 'outside']) {
      await seedBareRepository(join(dir, place, 'gitops.git'), {
        'charts/checkout/values-prod.yaml': `image:\n  tag: "${place}"\n`,
      });
    }
    reader = new GitOpsValuesReader({
      urlReader: mockServices.urlReader.mock(),
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      allowedFileRoots: [join(dir, 'allowed')],
      ttlMs: 0,
      timeoutMs: 10_000,
      cacheDir: join(dir, 'cache'),
    });
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  const read = (repository: string) =>
    reader.readTag(
      repository,
      'main',
      'charts/checkout/values-prod.yaml',
      'image.tag',
    );

  it('reads the tag of a values file at a branch', async () => {
    await expect(read(`file://${dir}/allowed/gitops.git`)).resolves.toBe(
      'allowed',
    );
  });

  it('refuses local repositories outside the allowed roots, however the path is written', async () => {
    await symlink(join(dir, 'outside'), join(dir, 'allowed', 'link'));
    for (const repository of [
      `file://${dir}/outside/gitops.git`,
      `file://${dir}/allowed/..%2Foutside/gitops.git`,
      `file://${dir}/allowed/link/gitops.git`,
    ]) {
      await expect(read(repository)).rejects.toThrow(
        /outside shiplog.gitops.allowedFileRoots|does not exist on the Shiplog backend host/,
      );
    }
  });

  it('refuses URLs that are not Git transports', async () => {
    for (const repository of ['ext::sh -c touch% /tmp/x', '--upload-pack=x']) {
      await expect(read(repository)).rejects.toThrow(/is not a Git URL/);
    }
  });

  it('reads with an integration only inside the declared repository', async () => {
    const urlReader = mockServices.urlReader.mock();
    const github = new GitOpsValuesReader({
      urlReader,
      integrations: ScmIntegrations.fromConfig(
        new ConfigReader({
          integrations: { github: [{ host: 'github.com' }] },
        }),
      ),
      allowedFileRoots: [],
      ttlMs: 0,
      timeoutMs: 10_000,
    });
    await expect(
      github.readTag(
        'https://github.com/acme/gitops',
        'main',
        '%2e%2e/%2e%2e/other/secrets/blob/main/values.yaml',
        'image.tag',
      ),
    ).rejects.toThrow('leaves the repository');
    expect(urlReader.readUrl).not.toHaveBeenCalled();
  });

  it('never lets git probe a host that is neither an integration nor allowed, and tells the client nothing about it', async () => {
    const logger = mockServices.logger.mock();
    const guarded = new GitOpsValuesReader({
      urlReader: mockServices.urlReader.mock(),
      integrations: ScmIntegrations.fromConfig(new ConfigReader({})),
      allowedFileRoots: [],
      isAllowedHost: () => false,
      ttlMs: 0,
      timeoutMs: 10_000,
      cacheDir: join(dir, 'cache'),
      logger,
    });
    const failures = [];
    for (const port of [1, 22]) {
      const repository = `http://127.0.0.1:${port}/x.git`;
      const error = await guarded
        .readTag(repository, 'main', 'values.yaml', 'image.tag')
        .catch(e => e);
      expect(error.message).toContain('is not a Git host Shiplog may reach');
      failures.push(guarded.publicFailure(error, repository, 'values.yaml'));
    }
    expect(failures).toEqual([VALUES_FILE_UNREADABLE, VALUES_FILE_UNREADABLE]);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('127.0.0.1:22 is not a Git host'),
    );
  });
});
