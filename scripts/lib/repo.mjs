// What the repository's scripts share: where the repository is, how to run its committed Yarn
// release, and which workspaces are Shiplog's published packages.
import { spawnSync } from 'node:child_process';
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
