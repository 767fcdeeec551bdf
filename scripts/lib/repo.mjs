// What the repository's scripts share: where the repository is, how to run its committed Yarn
// release, and which workspaces are Shiplog's published packages.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
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
export function publishedPackages() {
  const base = join(root, 'plugins');
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
