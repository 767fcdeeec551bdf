import semverParse from 'semver/functions/parse';
import semverCompare from 'semver/functions/compare';

const COMMIT_SHA = /^[0-9a-f]{7,40}$/i;

/**
 * True when a version string is a commit sha rather than a release tag.
 *
 * @public
 */
export function isCommitShaVersion(version: string): boolean {
  return COMMIT_SHA.test(version) && !/^\d+$/.test(version);
}

/**
 * Parses a release tag as semver, accepting a leading `v` (`v1.2.3`), as CI tags usually carry one.
 *
 * @public
 */
export function parseReleaseVersion(version: string) {
  return semverParse(version.replace(/^v(?=\d)/, ''));
}

/**
 * Orders two versions: semver precedence when both are semver, otherwise undefined
 * (the caller falls back to the order in which the releases were first seen).
 *
 * @public
 */
export function compareVersions(a: string, b: string): number | undefined {
  const pa = parseReleaseVersion(a);
  const pb = parseReleaseVersion(b);
  if (!pa || !pb) {
    return undefined;
  }
  return semverCompare(pa, pb);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * A string whose lexical order is the release order, so the database can sort and paginate releases
 * without loading them. Semver releases order by precedence (a prerelease before its release);
 * other versions (commit shas) by the time they were first seen, and after every semver release:
 * a sha build of the default branch is usually newer than the last tagged release. The version
 * itself ends the key, so versions of equal precedence (`v1.2.3` and `1.2.3`, differing build
 * metadata) still get distinct keys and a cursor never skips one.
 *
 * @public
 */
export function versionSortKey(version: string, firstSeenAt: Date): string {
  const parsed = parseReleaseVersion(version);
  if (!parsed) {
    return `t${pad(firstSeenAt.getTime(), 16)}#${version}`;
  }
  const core = `s${pad(parsed.major, 16)}.${pad(parsed.minor, 16)}.${pad(
    parsed.patch,
    16,
  )}`;
  if (!parsed.prerelease.length) {
    // '~' sorts after every character a prerelease identifier may use.
    return `${core}~#${version}`;
  }
  const identifiers = parsed.prerelease.map(part =>
    // Numeric identifiers sort below alphanumeric ones and numerically among themselves.
    typeof part === 'number' ? `0${pad(part, 16)}` : `1${part}`,
  );
  return `${core}-${identifiers.join('.')}#${version}`;
}
