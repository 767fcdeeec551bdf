import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import semver from 'semver';
import { z } from 'zod/v3';
import { computeNextVersion } from '@shiplog/plugin-shiplog-common';
import { readReleaseHistory } from '../versioning/gitHistory';
import { examples } from './nextVersion.examples';
import { parseActionInput, resolveWorkspacePath } from './workspace';

const semverText = (zod: typeof z) =>
  zod.string().refine(value => semver.valid(value) !== null, {
    message: 'must be a semantic version such as 1.4.2',
  });

/** Inputs of `shiplog:next-version`. */
export function nextVersionInputSchema(zod: typeof z) {
  return zod
    .object({
      repositoryPath: zod
        .string()
        .default('.')
        .describe(
          'Workspace directory holding a Git repository (e.g. after fetch or publish); its tags and commits are read when no commits are given',
        ),
      commits: zod
        .array(zod.string())
        .optional()
        .describe(
          'Commit messages since the last release, instead of reading a repository',
        ),
      currentVersion: semverText(zod)
        .optional()
        .describe(
          'The last released version, with commits; none means nothing was released yet',
        ),
      tagPrefix: zod
        .string()
        .default('v')
        .describe('Prefix of release tags, e.g. "v" for v1.4.2'),
      initialVersion: semverText(zod)
        .default('0.1.0')
        .describe('The first version, when nothing was released yet'),
    })
    .strict();
}

/**
 * `shiplog:next-version`: the next semantic version from conventional commits since the last release
 * tag (breaking change: major, feat: minor, fix or perf: patch), so nobody types a version by hand.
 * It only reads, so a retry or a dry run gives the same answer.
 *
 * @public
 */
export function createShiplogNextVersionAction() {
  return createTemplateAction({
    id: 'shiplog:next-version',
    description:
      'Computes the next semantic version from conventional commits since the last release tag',
    examples,
    supportsDryRun: true,
    schema: {
      input: zod => nextVersionInputSchema(zod),
      output: zod =>
        zod.object({
          version: zod.string().describe('The next version, e.g. 1.5.0'),
          tag: zod.string().describe('The release tag for it, e.g. v1.5.0'),
          previousVersion: zod
            .string()
            .describe('The last released version; empty when there is none'),
          bump: zod
            .enum(['major', 'minor', 'patch', 'none', 'initial'])
            .describe(
              'How the version moved: none when no commit releases anything, initial for a first release',
            ),
          commitCount: zod
            .number()
            .describe('Commits considered since the last release'),
          notes: zod
            .string()
            .describe(
              'Markdown release notes of those commits, grouped by type',
            ),
        }),
    },
    async handler(ctx) {
      const input = parseActionInput(nextVersionInputSchema(z), ctx.input);
      const history = input.commits
        ? {
            previousVersion: input.currentVersion,
            // Messages given as input have no sha, so the notes name none.
            commits: input.commits.map(message => ({ sha: '', message })),
          }
        : await readReleaseHistory(
            resolveWorkspacePath(
              ctx.workspacePath,
              input.repositoryPath,
              'repositoryPath',
            ),
            input.tagPrefix,
          );
      const next = computeNextVersion({
        previous: history.previousVersion,
        commits: history.commits,
        initialVersion: input.initialVersion,
      });
      const bump = next.previous ? next.bump : 'initial';
      ctx.logger.info(
        `shiplog:next-version: ${next.previous ?? 'no release yet'} -> ${
          next.version
        } (${bump}, ${history.commits.length} commit(s))`,
      );
      ctx.output('version', next.version);
      ctx.output('tag', `${input.tagPrefix}${next.version}`);
      ctx.output('previousVersion', next.previous ?? '');
      ctx.output('bump', bump);
      ctx.output('commitCount', history.commits.length);
      ctx.output('notes', next.notes);
    },
  });
}
