// What the repository's scripts share: where the repository is, how to run its committed Yarn
// release, and which workspaces are Shiplog's published packages.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const yarnRelease = join(root, '.yarn/releases/yarn-4.13.0.cjs');

/** Runs a command, inheriting stdio unless told otherwise; throws when it fails. */
export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: root,
    ...options,
  });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(
      `${[cmd, ...args].join(' ')} exited with ${
        result.status ?? result.signal
      }`,
    );
  }
  return result;
}

/** Runs the committed Yarn release. */
export function yarn(args, options = {}) {
  return run(process.execPath, [yarnRelease, ...args], options);
}

/** Runs the committed Yarn release without blocking; output is shown only when it fails. */
export function yarnAsync(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [yarnRelease, ...args], {
      cwd: root,
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    child.on('error', reject);
    child.on('exit', code => {
      if (code === 0) resolve();
      else
        reject(
          new Error(`yarn ${args.join(' ')} exited with ${code}:\n${output}`),
        );
    });
  });
}

/** The workspaces under plugins/ that are published (not private), with their folders. */
export function publishedPackages(repository = root) {
  const base = join(repository, 'plugins');
  return readdirSync(base)
    .map(name => join(base, name))
    .filter(dir => existsSync(join(dir, 'package.json')))
    .map(dir => ({
      dir,
      pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')),
    }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ name: pkg.name, dir, pkg }));
}

/**
 * Copies the repository's files into `dir` (new or empty) without its node_modules folders, which
 * are linked instead: a checkout to pack from. `yarn pack` rewrites a package's package.json while it
 * packs (prepack, postpack); in the copy, tests and a portal running beside it never read that.
 */
export function copyForPacking(dir) {
  mkdirSync(dir, { recursive: true });
  const tar = spawnSync(
    'bash',
    [
      '-o',
      'pipefail',
      '-c',
      'tar -C "$1" --exclude=./.git --exclude=node_modules --exclude=./.pgtest --exclude=./.data -cf - . | tar -C "$2" -xf -',
      'copy',
      root,
      dir,
    ],
    { encoding: 'utf8' },
  );
  if (tar.status !== 0) {
    throw new Error(`copying the repository for packing failed: ${tar.stderr}`);
  }
  const workspaces = ['packages', 'plugins'].flatMap(group =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).map(name => join(group, name))
      : [],
  );
  for (const folder of ['.', ...workspaces]) {
    const modules = join(root, folder, 'node_modules');
    if (existsSync(modules))
      symlinkSync(modules, join(dir, folder, 'node_modules'));
  }
  return dir;
}
