import { applyBump, computeNextVersion } from './nextVersion';

const sha = (n: number) => String(n).repeat(40).slice(0, 40);

describe('computeNextVersion', () => {
  it.each([
    [['fix: a'], '1.0.1', 'patch'],
    [['feat: a', 'fix: b'], '1.1.0', 'minor'],
    [['feat!: a', 'feat: b'], '2.0.0', 'major'],
    [['chore: a', 'docs: b'], '1.0.0', 'none'],
    [[], '1.0.0', 'none'],
  ])('%j after 1.0.0 is %s (%s)', (messages, version, bump) => {
    const next = computeNextVersion({
      previous: 'v1.0.0',
      commits: messages.map((message, i) => ({ sha: sha(i + 1), message })),
    });
    expect(next).toMatchObject({ version, previous: '1.0.0', bump });
    expect(next.commits).toHaveLength(messages.length);
  });

  it('raises the bump to what a semver label of a pull request asks for', () => {
    const next = computeNextVersion({
      previous: '1.4.2',
      commits: [
        {
          sha: sha(1),
          message: 'chore: rename config (#9)',
          pullRequest: { number: 9, labels: ['semver:major'] },
        },
      ],
    });
    expect(next).toMatchObject({ version: '2.0.0', bump: 'major' });
    expect(next.commits[0]).toMatchObject({ type: 'chore', bump: 'major' });
  });

  it('starts at the initial version before the first release', () => {
    expect(
      computeNextVersion({ commits: [{ sha: sha(1), message: 'feat: a' }] }),
    ).toMatchObject({ version: '0.1.0', bump: 'minor' });
    expect(
      computeNextVersion({ commits: [], initialVersion: '1.0.0' }),
    ).toMatchObject({ version: '1.0.0', bump: 'none' });
    expect(computeNextVersion({ commits: [] }).previous).toBeUndefined();
  });

  it('writes release notes grouped by type, breaking changes and features first', () => {
    const { notes } = computeNextVersion({
      previous: '1.0.0',
      commits: [
        { sha: sha(1), message: 'fix(cart): rounding' },
        {
          sha: sha(2),
          message: 'feat: coupons',
          pullRequest: { number: 12, labels: [] },
        },
        { sha: sha(3), message: 'feat!: drop v1 API (#11)' },
        { sha: sha(4), message: 'Update <b>README</b>' },
      ],
    });
    expect(notes).toBe(
      [
        '## 2.0.0',
        '',
        '### Breaking changes',
        '',
        '- drop v1 API (#11) (3333333)',
        '',
        '### Features',
        '',
        '- coupons (#12) (2222222)',
        '',
        '### Bug fixes',
        '',
        '- **cart:** rounding (1111111)',
        '',
        '### Other changes',
        '',
        '- Update \\<b\\>README\\</b\\> (4444444)',
        '',
        'Since 1.0.0.',
        '',
      ].join('\n'),
    );
  });

  it('says so when nothing changed', () => {
    expect(computeNextVersion({ previous: '2.0.0', commits: [] }).notes).toBe(
      '## 2.0.0\n\nNo changes since 2.0.0.\n',
    );
  });

  it('refuses a previous version that is not semver', () => {
    expect(() => computeNextVersion({ previous: 'main', commits: [] })).toThrow(
      '"main" is not a semantic version',
    );
    expect(() => applyBump('x', 'patch')).toThrow('not a semantic version');
    expect(applyBump('1.2.3', 'none')).toBe('1.2.3');
  });
});
