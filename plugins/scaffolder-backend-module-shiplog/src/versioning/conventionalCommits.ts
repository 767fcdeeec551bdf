import { sync as parseCommit } from 'conventional-commits-parser';
import semver from 'semver';

/** How far a set of commits moves the version. @public */
export type VersionBump = 'major' | 'minor' | 'patch' | 'none';

const BUMP_ORDER: VersionBump[] = ['none', 'patch', 'minor', 'major'];

// The Conventional Commits 1.0 header, with "!" marking a breaking change.
const PARSER_OPTIONS = {
  headerPattern: /^(\w*)(?:\((.*)\))?!?: (.*)$/,
  breakingHeaderPattern: /^(\w*)(?:\((.*)\))?!: (.*)$/,
  headerCorrespondence: ['type', 'scope', 'subject'],
  noteKeywords: ['BREAKING CHANGE', 'BREAKING-CHANGE'],
};

/**
 * The bump one commit message asks for: a breaking change (`feat!:` or a `BREAKING CHANGE:` footer)
 * is major, `feat` minor, `fix` and `perf` patch; anything else (chore, docs, a message that is not a
 * conventional commit) does not release.
 *
 * @public
 */
export function bumpOfCommit(message: string): VersionBump {
  const commit = parseCommit(message, PARSER_OPTIONS);
  if (commit.notes.some(note => /^BREAKING[ -]CHANGE$/.test(note.title))) {
    return 'major';
  }
  const type = commit.type?.toLowerCase();
  if (type === 'feat') return 'minor';
  if (type === 'fix' || type === 'perf') return 'patch';
  return 'none';
}

/** The largest bump among commits. @public */
export function bumpOfCommits(messages: string[]): VersionBump {
  return messages
    .map(bumpOfCommit)
    .reduce<VersionBump>(
      (largest, bump) =>
        BUMP_ORDER.indexOf(bump) > BUMP_ORDER.indexOf(largest) ? bump : largest,
      'none',
    );
}

/** The version after `previous` for commits since it; `previous` itself when nothing releases. @public */
export function nextVersion(previous: string, bump: VersionBump): string {
  if (bump === 'none') return previous;
  const next = semver.inc(previous, bump);
  if (!next) {
    throw new Error(`"${previous}" is not a semantic version`);
  }
  return next;
}
