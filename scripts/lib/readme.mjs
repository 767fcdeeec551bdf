// Reads the blocks of the root README's "Install into your own Backstage app" section that the
// install check runs: each is the fenced code block following a `<!-- install-check: NAME -->` line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './repo.mjs';

/** The README's install-check blocks by name (a name may appear more than once: its blocks in order). */
export function readInstallBlocks(readme = join(root, 'README.md')) {
  const text = readFileSync(readme, 'utf8');
  const blocks = {};
  const pattern =
    /<!--\s*install-check:\s*([\w-]+)\s*-->\s*\n```[\w-]*\n([\s\S]*?)\n```/g;
  for (const [, name, body] of text.matchAll(pattern)) {
    (blocks[name] ??= []).push(body);
  }
  return blocks;
}

/**
 * The `yarn --cwd packages/<workspace> add <spec>...` lines of a shell block, joined across
 * backslash continuations, as [{ workspace, specs }].
 */
export function parseYarnAdds(shell) {
  const lines = shell.replace(/\\\n\s*/g, ' ').split('\n');
  const adds = [];
  for (const line of lines) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'yarn') continue;
    const cwd = words.indexOf('--cwd');
    const add = words.indexOf('add');
    if (cwd < 0 || add < 0) {
      throw new Error(
        `README: expected "yarn --cwd packages/<x> add ...": ${line}`,
      );
    }
    const workspace = words[cwd + 1].replace(/^packages\//, '');
    const specs = words
      .slice(add + 1)
      .filter(word => !word.startsWith('-'))
      .map(word => word.replace(/^["']|["']$/g, ''));
    adds.push({ workspace, specs });
  }
  return adds;
}

/** Splits `@scope/name@range` / `name@range` / `name` into name and range (undefined when absent). */
export function splitSpec(spec) {
  const at = spec.indexOf('@', 1);
  return at < 0
    ? { name: spec, range: undefined }
    : { name: spec.slice(0, at), range: spec.slice(at + 1) };
}
