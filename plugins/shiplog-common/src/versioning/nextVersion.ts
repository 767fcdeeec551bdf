import semverClean from 'semver/functions/clean';
import semverInc from 'semver/functions/inc';
import { z } from 'zod/v3';
import type { CommitSummary } from '../types';
import {
  bumpOfCommit,
  CONVENTIONAL_COMMIT_GROUPS,
  conventionalCommitType,
  largerBump,
  parseConventionalCommit,
  VersionBump,
} from './conventionalCommits';

/** A commit since the last release, as the next version was computed from it. @public */
export interface ReleasedCommit extends CommitSummary {
  /** Its release-note group: `breaking`, `feat`, `fix`, ..., `other`. */
  type: string;
  /** What it alone asks for, its pull request's `semver:*` label included. */
  bump: VersionBump;
}

/**
 * The answer of `GET .../next-version` and of the `shiplog:next-version` action.
 *
 * @public
 */
export interface NextVersion {
  /** The version to release; `previous` itself when nothing since it releases anything. */
  version: string;
  /** The last release; absent before the first one. */
  previous?: string;
  bump: VersionBump;
  /** The commits since the last release, newest first. */
  commits: ReleasedCommit[];
  /** Markdown release notes, commits grouped by type (breaking changes and features first). */
  notes: string;
}

/** @public */
export interface NextVersionInput {
  /** The last released version (a leading `v` is dropped); none before the first release. */
  previous?: string;
  /** Commits since it, newest first. */
  commits: readonly CommitSummary[];
  /** The first version, when there is no previous release. Defaults to 0.1.0. */
  initialVersion?: string;
}

/** The version after `previous` for a bump; `previous` itself for `none`. @public */
export function applyBump(previous: string, bump: VersionBump): string {
  const clean = semverClean(previous);
  if (!clean) {
    throw new Error(`"${previous}" is not a semantic version`);
  }
  return bump === 'none' ? clean : semverInc(clean, bump)!;
}

/**
 * The next semantic version from the commits since the last release: the largest bump any of them
 * asks for (conventional commit type, `semver:*` pull request labels). The version follows from
 * the commits alone, so no one can release a jump they do not justify.
 *
 * @public
 */
export function computeNextVersion(input: NextVersionInput): NextVersion {
  const commits: ReleasedCommit[] = input.commits.map(commit => ({
    ...commit,
    type: conventionalCommitType(commit.message),
    bump: bumpOfCommit(commit.message, commit.pullRequest?.labels),
  }));
  const bump = commits
    .map(commit => commit.bump)
    .reduce<VersionBump>(largerBump, 'none');
  const previous = input.previous ? semverClean(input.previous) : null;
  if (input.previous && !previous) {
    throw new Error(`"${input.previous}" is not a semantic version`);
  }
  const version = previous
    ? applyBump(previous, bump)
    : input.initialVersion ?? '0.1.0';
  return {
    version,
    ...(previous ? { previous } : {}),
    bump,
    commits,
    notes: releaseNotes(version, previous ?? undefined, commits),
  };
}

/**
 * Markdown release notes: a heading, then one section per type, breaking changes and features
 * first, each commit as its subject with scope, pull request and short sha.
 *
 * @public
 */
export function releaseNotes(
  version: string,
  previous: string | undefined,
  commits: ReadonlyArray<CommitSummary & { type?: string }>,
): string {
  const lines = [`## ${version}`, ''];
  if (!commits.length) {
    lines.push(
      previous ? `No changes since ${previous}.` : 'No changes recorded.',
    );
    return `${lines.join('\n')}\n`;
  }
  const byType = new Map<string, string[]>();
  for (const commit of commits) {
    const type = commit.type ?? conventionalCommitType(commit.message);
    byType.set(type, [...(byType.get(type) ?? []), noteLine(commit)]);
  }
  for (const [type, title] of CONVENTIONAL_COMMIT_GROUPS) {
    const entries = byType.get(type);
    if (!entries) continue;
    lines.push(`### ${title}`, '', ...entries, '');
  }
  if (previous) {
    lines.push(`Since ${previous}.`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function noteLine(commit: CommitSummary): string {
  const parsed = parseConventionalCommit(commit.message);
  const subject = escapeMarkdown(parsed.subject || commit.sha.slice(0, 7));
  const scope = parsed.scope ? `**${escapeMarkdown(parsed.scope)}:** ` : '';
  const pullRequest = commit.pullRequest;
  const reference =
    pullRequest && !subject.includes(`#${pullRequest.number}`)
      ? ` (#${pullRequest.number})`
      : '';
  const sha = commit.sha ? ` (${commit.sha.slice(0, 7)})` : '';
  return `- ${scope}${subject}${reference}${sha}`;
}

/** Commit subjects are written by anyone: keep them from turning into links, images or HTML. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>!|]/g, character => `\\${character}`);
}

/** Query of `GET .../next-version`. @public */
export const nextVersionQuerySchema = z
  .object({
    commitSha: z
      .string({ required_error: 'is required' })
      .trim()
      .regex(/^[0-9a-fA-F]{40}$/, 'must be a full 40-character commit sha')
      .transform(sha => sha.toLowerCase()),
  })
  .strict();
