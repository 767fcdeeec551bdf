import {
  compareVersions,
  isCommitShaVersion,
  versionSortKey,
} from './versions';

const at = new Date('2026-01-01T00:00:00Z');

describe('versionSortKey', () => {
  it('orders semver releases by precedence', () => {
    const versions = [
      '1.10.0',
      '1.2.0',
      '2.0.0-rc.1',
      '2.0.0',
      '2.0.0-alpha',
      '2.0.0-rc.10',
      '2.0.0-rc.2',
      '1.2.0-1',
      'v1.9.0',
    ];
    const sorted = [...versions].sort((a, b) =>
      versionSortKey(a, at) < versionSortKey(b, at) ? -1 : 1,
    );
    expect(sorted).toEqual([
      '1.2.0-1',
      '1.2.0',
      'v1.9.0',
      '1.10.0',
      '2.0.0-alpha',
      '2.0.0-rc.1',
      '2.0.0-rc.2',
      '2.0.0-rc.10',
      '2.0.0',
    ]);
    for (let i = 1; i < sorted.length; i++) {
      expect(compareVersions(sorted[i - 1], sorted[i])).toBe(-1);
    }
  });

  it('gives versions of equal precedence distinct keys', () => {
    expect(versionSortKey('v1.2.3', at)).not.toBe(versionSortKey('1.2.3', at));
    expect(versionSortKey('1.2.3+a', at)).not.toBe(
      versionSortKey('1.2.3+b', at),
    );
    expect(versionSortKey('abc1234', at)).not.toBe(
      versionSortKey('def5678', at),
    );
  });

  it('puts commit-sha versions after semver releases, in the order first seen', () => {
    const early = versionSortKey('abc1234', new Date('2026-01-01T00:00:00Z'));
    const late = versionSortKey('def5678', new Date('2026-02-01T00:00:00Z'));
    expect(early < late).toBe(true);
    expect(versionSortKey('99.0.0', at) < early).toBe(true);
  });

  it('handles large numbers', () => {
    expect(
      versionSortKey('10000000000.0.0', at) > versionSortKey('9.0.0', at),
    ).toBe(true);
  });
});

describe('isCommitShaVersion', () => {
  it.each([
    ['3f2a9c1', true],
    ['3F2A9C1D', true],
    ['1234567', false],
    ['1.2.3', false],
  ])('%p → %p', (v, expected) => {
    expect(isCommitShaVersion(v)).toBe(expected);
  });
});
