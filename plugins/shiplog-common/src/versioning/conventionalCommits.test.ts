import {
  bumpOfCommit,
  bumpOfCommits,
  conventionalCommitType,
  parseConventionalCommit,
} from './conventionalCommits';

describe('conventional commits', () => {
  it.each([
    ['feat(cart): add coupons (#12)', 'feat'],
    ['fix: rounding', 'fix'],
    ['feat!: drop v1 API', 'breaking'],
    ['refactor: x\n\nBREAKING CHANGE: config renamed', 'breaking'],
    ['Merge pull request #7 from acme/x', 'other'],
    ['wip: something', 'other'],
    [undefined, 'other'],
  ])('%p is %p', (message, type) => {
    expect(conventionalCommitType(message)).toBe(type);
  });

  it('reads type, scope, subject and breaking marks', () => {
    expect(parseConventionalCommit('Feat(API)!: list orders\n\nbody')).toEqual({
      type: 'feat',
      scope: 'API',
      subject: 'list orders',
      breaking: true,
    });
    expect(parseConventionalCommit('Update README')).toEqual({
      type: 'other',
      subject: 'Update README',
      breaking: false,
    });
    // A footer only counts at the start of a line, as the specification writes it.
    expect(
      parseConventionalCommit('fix: x\n\nmentions BREAKING CHANGE: here')
        .breaking,
    ).toBe(false);
  });

  it.each([
    ['fix: round totals', [], 'patch'],
    ['perf: cache prices', [], 'patch'],
    ['feat(api): list orders', [], 'minor'],
    ['feat!: drop v1 routes', [], 'major'],
    ['fix(db)!: new schema', [], 'major'],
    ['feat: new\n\nBREAKING CHANGE: config key renamed', [], 'major'],
    ['refactor: tidy\n\nBREAKING-CHANGE: removed flag', [], 'major'],
    ['chore: bump deps', [], 'none'],
    ['not conventional at all', [], 'none'],
    ['chore: bump deps', ['semver:patch'], 'patch'],
    ['fix: x', ['semver:major', 'hotfix'], 'major'],
    ['feat: x', ['Semver:Patch'], 'minor'],
  ])('%p with labels %j asks for %s', (message, labels, bump) => {
    expect(bumpOfCommit(message, labels)).toBe(bump);
  });

  it('takes the largest bump of several commits', () => {
    expect(bumpOfCommits(['fix: a', 'feat: b', 'docs: c'])).toBe('minor');
    expect(bumpOfCommits([])).toBe('none');
  });
});
