import { execFile } from 'child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { promisify } from 'util';

const run = promisify(execFile);
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** Commits files to `main` of a bare repository, as a person pushing a GitOps change would. */
export async function pushFiles(
  gitDir: string,
  files: Record<string, string>,
  message: string,
): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'shiplog-test-push-'));
  try {
    await run('git', ['clone', '--quiet', gitDir, work], { env });
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(work, path)), { recursive: true });
      await writeFile(join(work, path), content);
    }
    await run('git', ['add', '-A'], { cwd: work, env });
    await run('git', ['commit', '--quiet', '-m', message], { cwd: work, env });
    await run('git', ['push', '--quiet', 'origin', 'HEAD:main'], {
      cwd: work,
      env,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const valuesFile = (component: string, tag: string) =>
  `# ${component}\nimage:\n  repository: ghcr.io/acme/${component}\n  tag: ${tag} # promoted by Shiplog\n`;
