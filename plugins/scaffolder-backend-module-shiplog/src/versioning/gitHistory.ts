import git from 'isomorphic-git';
import fs from 'node:fs';
import semver from 'semver';

/** The commits since the newest release tag reachable from HEAD. */
export interface ReleaseHistory {
  /** Version of that tag, without its prefix; undefined when no release tag is reachable. */
  previousVersion?: string;
  /** The commits after it, newest first. */
  commits: Array<{ sha: string; message: string }>;
}

/**
 * Reads a Git repository in the workspace: its tags that are semantic versions with the prefix, and
 * the commits from HEAD back to the first tagged one. A directory without a repository, or one
 * without commits, has no history.
 */
export async function readReleaseHistory(
  dir: string,
  tagPrefix: string,
): Promise<ReleaseHistory> {
  let head: string;
  try {
    head = await git.resolveRef({ fs, dir, ref: 'HEAD' });
  } catch {
    return { commits: [] };
  }
  const versionsByCommit = new Map<string, string[]>();
  for (const tag of await git.listTags({ fs, dir })) {
    const version = tag.startsWith(tagPrefix)
      ? semver.valid(tag.slice(tagPrefix.length))
      : null;
    if (!version) continue;
    const commit = await tagTarget(dir, tag);
    versionsByCommit.set(commit, [
      ...(versionsByCommit.get(commit) ?? []),
      version,
    ]);
  }
  const commits: ReleaseHistory['commits'] = [];
  for (const entry of await git.log({ fs, dir, ref: head })) {
    const versions = versionsByCommit.get(entry.oid);
    if (versions) {
      return { previousVersion: semver.rsort(versions)[0], commits };
    }
    commits.push({ sha: entry.oid, message: entry.commit.message });
  }
  return { commits };
}

/** The commit a tag points at, through the tag object of an annotated tag. */
async function tagTarget(dir: string, tag: string): Promise<string> {
  const oid = await git.resolveRef({ fs, dir, ref: `refs/tags/${tag}` });
  try {
    return (await git.readTag({ fs, dir, oid })).tag.object;
  } catch {
    // A lightweight tag points at the commit itself.
    return oid;
  }
}
