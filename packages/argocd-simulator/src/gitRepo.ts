import { execFile } from 'child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);

const GIT_ENV = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Shiplog demo',
  GIT_AUTHOR_EMAIL: 'demo@shiplog.localhost',
  GIT_COMMITTER_NAME: 'Shiplog demo',
  GIT_COMMITTER_EMAIL: 'demo@shiplog.localhost',
};

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, {
    cwd,
    env: GIT_ENV,
    timeout: 20_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  return stdout;
}

export interface CommitInfo {
  sha: string;
  author: string;
  date: string;
  message: string;
}

/** Read access to a bare repository's default branch, the way Argo CD's repo server sees it. */
export class GitRepository {
  constructor(readonly gitDir: string, readonly branch = 'main') {}

  /** The branch head, or undefined while the repository does not exist yet. */
  async head(): Promise<string | undefined> {
    try {
      return (
        (
          await git([
            '--git-dir',
            this.gitDir,
            'rev-parse',
            '--verify',
            '--quiet',
            `refs/heads/${this.branch}`,
          ])
        ).trim() || undefined
      );
    } catch {
      return undefined;
    }
  }

  async listFiles(revision: string): Promise<string[]> {
    const out = await git([
      '--git-dir',
      this.gitDir,
      'ls-tree',
      '-r',
      '--name-only',
      revision,
    ]);
    return out.split('\n').filter(Boolean);
  }

  async readFile(revision: string, path: string): Promise<string> {
    return git(['--git-dir', this.gitDir, 'show', `${revision}:${path}`]);
  }

  async commit(revision: string): Promise<CommitInfo | undefined> {
    // Revisions come from request URLs: never let one be read as an option.
    if (!/^[A-Za-z0-9._/-]+$/.test(revision) || revision.startsWith('-')) {
      return undefined;
    }
    try {
      const out = await git([
        '--git-dir',
        this.gitDir,
        'show',
        '-s',
        '--format=%H%x00%an <%ae>%x00%aI%x00%B',
        revision,
      ]);
      const [sha, author, date, message] = out.split('\0');
      return { sha, author, date, message: message.trim() };
    } catch {
      return undefined;
    }
  }
}

/**
 * Creates a bare repository with one commit of the given files on `main`, unless it exists already.
 * Returns true when it created it.
 */
export async function seedBareRepository(
  gitDir: string,
  files: Record<string, string>,
  message = 'Initial GitOps state',
): Promise<boolean> {
  if (await new GitRepository(gitDir).head()) return false;
  await mkdir(gitDir, { recursive: true });
  await git(['init', '--bare', '--quiet', '--initial-branch=main', gitDir]);
  const work = await mkdtemp(join(tmpdir(), 'shiplog-gitops-seed-'));
  try {
    await git(['init', '--quiet', '--initial-branch=main', work]);
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await git(['add', '-A'], work);
    await git(['commit', '--quiet', '-m', message], work);
    await git(['push', '--quiet', gitDir, 'main:main'], work);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return true;
}
