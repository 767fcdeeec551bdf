/**
 * The one Conventional Commits 1.0 reader of Shiplog: release notes, changelog groups, the next
 * version (scaffolder action and `GET .../next-version`) all classify commits through it.
 */

/** How far a set of commits moves a version. @public */
export type VersionBump = 'major' | 'minor' | 'patch' | 'none';

/** A commit message read as a conventional commit. @public */
export interface ConventionalCommit {
  /** Lower-cased type (`feat`, `fix`, ...); `other` when the message follows no convention. */
  type: string;
  scope?: string;
  /** The header after `type(scope)!: `, or the whole first line of a message that is not conventional. */
  subject: string;
  /** `!` after the type or scope, or a `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer. */
  breaking: boolean;
}

/**
 * Release note sections, in the order they are shown. `breaking` gathers breaking changes of any
 * type; `other` what follows no convention or an unknown type.
 *
 * @public
 */
export const CONVENTIONAL_COMMIT_GROUPS: ReadonlyArray<
  readonly [type: string, title: string]
> = [
  ['breaking', 'Breaking changes'],
  ['feat', 'Features'],
  ['fix', 'Bug fixes'],
  ['perf', 'Performance'],
  ['revert', 'Reverts'],
  ['refactor', 'Refactoring'],
  ['docs', 'Documentation'],
  ['build', 'Build'],
  ['ci', 'CI'],
  ['test', 'Tests'],
  ['style', 'Style'],
  ['chore', 'Chores'],
  ['other', 'Other changes'],
];

const HEADER = /^(\w+)(?:\(([^)]*)\))?(!)?: +(\S.*)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: /m;
const BUMP_ORDER: readonly VersionBump[] = ['none', 'patch', 'minor', 'major'];

/** @public */
export function parseConventionalCommit(
  message: string | undefined,
): ConventionalCommit {
  const text = message ?? '';
  const header = text.split('\n', 1)[0].trim();
  const match = HEADER.exec(header);
  if (!match) {
    return { type: 'other', subject: header, breaking: false };
  }
  return {
    type: match[1].toLowerCase(),
    ...(match[2] ? { scope: match[2].trim() } : {}),
    subject: match[4].trim(),
    breaking: Boolean(match[3]) || BREAKING_FOOTER.test(text),
  };
}

/**
 * The release-note group of a commit message (`feat(cart)!: ...` → `breaking`), `other` when it
 * follows no convention or has an unknown type.
 *
 * @public
 */
export function conventionalCommitType(message: string | undefined): string {
  const commit = parseConventionalCommit(message);
  if (commit.breaking) return 'breaking';
  return CONVENTIONAL_COMMIT_GROUPS.some(([known]) => known === commit.type)
    ? commit.type
    : 'other';
}

/** Pull request labels that ask for at least a given bump, whatever the commits say. */
const LABEL_BUMPS: Record<string, VersionBump> = {
  'semver:major': 'major',
  'semver:minor': 'minor',
  'semver:patch': 'patch',
};

/** The larger of two bumps. @public */
export function largerBump(a: VersionBump, b: VersionBump): VersionBump {
  return BUMP_ORDER.indexOf(a) >= BUMP_ORDER.indexOf(b) ? a : b;
}

/**
 * The bump one commit asks for: a breaking change is major, `feat` minor, `fix` and `perf` patch,
 * anything else none; a `semver:major|minor|patch` label of its pull request raises it to at least
 * that.
 *
 * @public
 */
export function bumpOfCommit(
  message: string | undefined,
  pullRequestLabels: readonly string[] = [],
): VersionBump {
  const commit = parseConventionalCommit(message);
  let bump: VersionBump = 'none';
  if (commit.breaking) bump = 'major';
  else if (commit.type === 'feat') bump = 'minor';
  else if (commit.type === 'fix' || commit.type === 'perf') bump = 'patch';
  for (const label of pullRequestLabels) {
    bump = largerBump(bump, LABEL_BUMPS[label.trim().toLowerCase()] ?? 'none');
  }
  return bump;
}

/** The largest bump among commit messages. @public */
export function bumpOfCommits(messages: readonly string[]): VersionBump {
  return messages
    .map(message => bumpOfCommit(message))
    .reduce<VersionBump>(largerBump, 'none');
}
