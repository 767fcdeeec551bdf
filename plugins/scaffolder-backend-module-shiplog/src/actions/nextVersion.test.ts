import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import git from 'isomorphic-git';
import fs from 'node:fs';
import { createShiplogNextVersionAction } from './nextVersion';

const action = createShiplogNextVersionAction();
const author = {
  name: 'Mona',
  email: 'mona@example.com',
  timestamp: 1_700_000_000,
};

async function run(input: Record<string, unknown>, workspacePath?: string) {
  const ctx = createMockActionContext({
    input: input as never,
    workspacePath:
      workspacePath ?? createMockDirectory({ mockOsTmpDir: false }).path,
  });
  await action.handler(ctx);
  return Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([name, value]) => [name, value]),
  );
}

/** A repository in `service/` with the given history; a tag entry tags the commit before it. */
async function repository(
  history: Array<{ commit: string } | { tag: string; annotated?: boolean }>,
) {
  const workspace = createMockDirectory({ mockOsTmpDir: false });
  const dir = workspace.resolve('service');
  await git.init({ fs, dir, defaultBranch: 'main' });
  let count = 0;
  for (const item of history) {
    if ('commit' in item) {
      count++;
      fs.writeFileSync(`${dir}/file.txt`, String(count));
      await git.add({ fs, dir, filepath: 'file.txt' });
      await git.commit({
        fs,
        dir,
        message: item.commit,
        author: { ...author, timestamp: author.timestamp + count * 60 },
      });
    } else if (item.annotated) {
      await git.annotatedTag({
        fs,
        dir,
        ref: item.tag,
        message: item.tag,
        tagger: author,
      });
    } else {
      await git.tag({ fs, dir, ref: item.tag });
    }
  }
  return workspace.path;
}

describe('shiplog:next-version', () => {
  it('answers the initial version when the workspace has no repository', async () => {
    expect(await run({})).toEqual({
      version: '0.1.0',
      tag: 'v0.1.0',
      previousVersion: '',
      bump: 'initial',
      commitCount: 0,
      notes: '## 0.1.0\n\nNo changes recorded.\n',
    });
  });

  it('answers the initial version for a repository without release tags', async () => {
    const workspace = await repository([
      { commit: 'feat: first' },
      { tag: 'nightly' },
    ]);
    expect(
      await run(
        { repositoryPath: 'service', initialVersion: '1.0.0' },
        workspace,
      ),
    ).toMatchObject({
      version: '1.0.0',
      bump: 'initial',
      commitCount: 1,
    });
  });

  it.each([
    [['fix: round totals'], '1.2.4', 'patch'],
    [['perf: cache prices'], '1.2.4', 'patch'],
    [['fix: a', 'feat(api): list orders'], '1.3.0', 'minor'],
    [['feat!: drop v1 routes'], '2.0.0', 'major'],
    [['fix(db)!: new schema'], '2.0.0', 'major'],
    [['feat: new\n\nBREAKING CHANGE: config key renamed'], '2.0.0', 'major'],
    [['refactor: tidy\n\nBREAKING-CHANGE: removed flag'], '2.0.0', 'major'],
    [
      ['chore: bump deps', 'docs: readme', 'not conventional at all'],
      '1.2.3',
      'none',
    ],
  ])('reads %j since v1.2.3 as %s (%s)', async (commits, version, bump) => {
    const workspace = await repository([
      { commit: 'feat: old work' },
      { tag: 'v1.2.3' },
      ...commits.map(commit => ({ commit })),
    ]);
    expect(await run({ repositoryPath: 'service' }, workspace)).toEqual({
      version,
      tag: `v${version}`,
      previousVersion: '1.2.3',
      bump,
      commitCount: commits.length,
      notes: expect.stringContaining(`## ${version}\n`),
    });
  });

  it('follows annotated tags, ignores other prefixes and takes the newest release tag', async () => {
    const workspace = await repository([
      { commit: 'feat: a' },
      { tag: 'v0.9.0' },
      { commit: 'feat: b' },
      { tag: 'v1.0.0', annotated: true },
      { tag: 'release-5.0.0' },
      { commit: 'fix: c' },
    ]);
    expect(await run({ repositoryPath: 'service' }, workspace)).toMatchObject({
      version: '1.0.1',
      previousVersion: '1.0.0',
      commitCount: 1,
    });
    expect(
      await run(
        { repositoryPath: 'service', tagPrefix: 'release-' },
        workspace,
      ),
    ).toMatchObject({ version: '5.0.1', tag: 'release-5.0.1' });
  });

  it('gives the same answer when run twice', async () => {
    const workspace = await repository([
      { commit: 'x' },
      { tag: 'v2.0.0' },
      { commit: 'feat: y' },
    ]);
    const first = await run({ repositoryPath: 'service' }, workspace);
    expect(await run({ repositoryPath: 'service' }, workspace)).toEqual(first);
    expect(first.version).toBe('2.1.0');
  });

  it('uses commit messages given as input', async () => {
    expect(
      await run({
        currentVersion: 'v1.4.2',
        commits: ['feat(api): orders', 'fix: totals'],
      }),
    ).toMatchObject({
      version: '1.5.0',
      previousVersion: '1.4.2',
      bump: 'minor',
      commitCount: 2,
      notes: [
        '## 1.5.0',
        '',
        '### Features',
        '',
        '- **api:** orders',
        '',
        '### Bug fixes',
        '',
        '- totals',
        '',
        'Since 1.4.2.',
        '',
      ].join('\n'),
    });
  });

  it.each([
    [
      { repositoryPath: '../other' },
      'repositoryPath: "../other" is outside the workspace',
    ],
    [
      { currentVersion: 'five', commits: [] },
      'currentVersion: must be a semantic version',
    ],
    [{ initialVersion: '1.0' }, 'initialVersion: must be a semantic version'],
    [{ versionFile: 'x' }, "Unrecognized key(s) in object: 'versionFile'"],
  ])('refuses %j', async (input, message) => {
    await expect(run(input)).rejects.toThrow(message);
  });
});
