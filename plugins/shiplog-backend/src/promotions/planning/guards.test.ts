import { versionSortKey } from '@shiplog/plugin-shiplog-common';
import { ReleaseRecord } from '../../database/types';
import { evaluateGuards, GuardContext } from './guards';

const release = (version: string, published = true): ReleaseRecord => ({
  version,
  versionKey: versionSortKey(version, new Date(0)),
  commitSha: 'a'.repeat(40),
  firstSeenAt: 0,
  publish: published ? { status: 'succeeded', at: 0 } : undefined,
  image: published
    ? { repository: 'ghcr.io/acme/checkout', tag: version }
    : undefined,
});

const running = (version: string) => ({
  version,
  versionKey: versionSortKey(version, new Date(0)),
});

function context(overrides: Partial<GuardContext> = {}): GuardContext {
  return {
    component: 'checkout',
    environment: 'prod',
    version: '1.3.0',
    rollback: false,
    automatic: false,
    release: release('1.3.0'),
    running: running('1.2.0'),
    previousEnvironment: 'stage',
    ordered: true,
    requirePreviousEnvironment: true,
    succeededInPrevious: true,
    succeededInTarget: false,
    commits: [],
    predecessor: release('1.2.0'),
    ...overrides,
  };
}

const verdict = (ctx: GuardContext, guard: string) =>
  evaluateGuards(ctx).find(v => v.guard === guard)!;

describe('promotion guards', () => {
  it('lets a published, newer release that succeeded in the previous environment through', () => {
    expect(evaluateGuards(context()).map(v => [v.guard, v.outcome])).toEqual([
      ['version-published', 'pass'],
      ['no-downgrade', 'pass'],
      ['environment-order', 'pass'],
      ['no-deploy-label', 'pass'],
      ['version-jump', 'pass'],
    ]);
  });

  it('refuses a version Shiplog never saw, or whose image was never published', () => {
    expect(
      verdict(context({ release: undefined }), 'version-published'),
    ).toMatchObject({
      outcome: 'refuse',
      message: 'checkout has no release 1.3.0 in Shiplog',
    });
    expect(
      verdict(
        context({ release: release('1.3.0', false) }),
        'version-published',
      ),
    ).toMatchObject({
      outcome: 'refuse',
      message: '1.3.0 has no published image (publish never reported)',
      howToProceed: expect.stringContaining(
        'Wait until CI has pushed the image',
      ),
    });
  });

  it('refuses a downgrade unless it is a rollback with a reason, and a version already running', () => {
    const older = context({ running: running('1.4.0') });
    expect(verdict(older, 'no-downgrade')).toMatchObject({
      outcome: 'refuse',
      message: 'prod runs 1.4.0, newer than 1.3.0',
      howToProceed: expect.stringContaining('rollback: true and a reason'),
    });
    expect(
      verdict(
        { ...older, rollback: true, reason: 'checkout 500s on 1.4.0' },
        'no-downgrade',
      ),
    ).toMatchObject({
      outcome: 'warn',
      message: 'rolls prod back from 1.4.0 to 1.3.0: checkout 500s on 1.4.0',
    });
    expect(
      verdict(context({ running: running('1.3.0') }), 'no-downgrade'),
    ).toMatchObject({
      outcome: 'refuse',
      message: 'prod already runs 1.3.0',
    });
    // Semver order, not string order: 1.10.0 is newer than 1.9.0.
    expect(
      verdict(
        context({
          version: '1.10.0',
          release: release('1.10.0'),
          running: running('1.9.0'),
        }),
        'no-downgrade',
      ).outcome,
    ).toBe('pass');
  });

  it('refuses what did not succeed in the environment before, unless configured off or a rollback to what ran here', () => {
    const skipped = context({ succeededInPrevious: false });
    expect(verdict(skipped, 'environment-order')).toMatchObject({
      outcome: 'refuse',
      message:
        '1.3.0 has not deployed successfully to stage, the environment before prod',
      howToProceed: expect.stringContaining('Promote it to stage first'),
    });
    expect(
      verdict(
        { ...skipped, requirePreviousEnvironment: false },
        'environment-order',
      ).outcome,
    ).toBe('pass');
    expect(
      verdict(
        {
          ...skipped,
          version: '1.1.0',
          release: release('1.1.0'),
          rollback: true,
          reason: 'x',
          succeededInTarget: true,
        },
        'environment-order',
      ).outcome,
    ).toBe('pass');
    // `rollback: true` on a newer version is no rollback: the order still applies.
    expect(
      verdict(
        { ...skipped, rollback: true, reason: 'x', succeededInTarget: true },
        'environment-order',
      ).outcome,
    ).toBe('refuse');
    expect(
      verdict(
        { ...skipped, previousEnvironment: undefined },
        'environment-order',
      ),
    ).toMatchObject({
      outcome: 'pass',
      message: 'prod is the first environment',
    });
  });

  it('refuses to auto-promote a release with a pull request labelled no-deploy-to-<env>, and warns a person', () => {
    const commits = [
      {
        sha: 'b'.repeat(40),
        message: 'feat: new tax engine (#12)',
        pullRequest: {
          number: 12,
          title: 'feat: new tax engine',
          labels: ['feature', 'no-deploy-to-prod'],
        },
      },
      {
        sha: 'c'.repeat(40),
        message: 'fix: rounding (#13)',
        pullRequest: { number: 13, labels: ['no-deploy-to-stage'] },
      },
    ];
    expect(
      verdict(context({ commits, automatic: true }), 'no-deploy-label'),
    ).toMatchObject({
      outcome: 'refuse',
      message:
        'not auto-promoted: #12 (feat: new tax engine) is labelled no-deploy-to-prod',
    });
    expect(
      verdict(
        context({ commits, automatic: true, rollback: true, reason: 'x' }),
        'no-deploy-label',
      ).outcome,
    ).toBe('refuse');
    expect(verdict(context({ commits }), 'no-deploy-label')).toMatchObject({
      outcome: 'warn',
      message: '#12 (feat: new tax engine) is labelled no-deploy-to-prod',
    });
    expect(
      verdict(context({ commits, environment: 'qa' }), 'no-deploy-label')
        .outcome,
    ).toBe('pass');
  });

  it.each([
    ['1.2.0', '1.2.1', 'pass'],
    ['1.2.0', '1.3.0', 'pass'],
    ['1.2.0', '2.0.0', 'pass'],
    ['1.3.0-rc.1', '1.3.0', 'pass'],
    ['1.2.0', '1.3.0-rc.1', 'pass'],
    ['5.2.0', '5.33.0', 'warn'],
    ['1.2.0', '1.2.3', 'warn'],
    ['1.2.0', '3.0.0', 'warn'],
    ['abc1234', 'def5678', 'pass'],
  ])('flags a jump from %s to %s: %s', (previous, next, outcome) => {
    expect(
      verdict(
        context({
          version: next,
          release: release(next),
          predecessor: release(previous),
        }),
        'version-jump',
      ).outcome,
    ).toBe(outcome);
  });

  it('names the skipped numbers in the version-jump warning', () => {
    expect(
      verdict(
        context({
          version: '5.33.0',
          release: release('5.33.0'),
          predecessor: release('5.2.0'),
        }),
        'version-jump',
      ).message,
    ).toBe(
      '5.33.0 follows 5.2.0: the versions between were never released (a typo in the tag?)',
    );
  });
});
