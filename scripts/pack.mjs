#!/usr/bin/env node
// `yarn pack:all`: packs Shiplog's six packages as an app installs them, since they are on no
// registry yet. Builds first (tsc for the type declarations, then backstage-cli), runs `yarn pack`
// in each workspace (its prepack rewrites the entry points to dist/), and prints the `resolutions`
// block an app needs so the packages' dependencies on each other resolve to the tarballs too.
//
//   node scripts/pack.mjs [--out DIR] [--no-build]     (DIR defaults to dist-packs/)
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  copyForPacking,
  root,
  yarn,
  yarnAsync,
  publishedPackages,
} from './lib/repo.mjs';

/**
 * Packs the six packages into `out`. With `copyTo` (a new folder) it packs from a copy of the
 * repository made there, leaving the checkout's package.json files untouched while it packs.
 */
export async function packAll({
  out,
  build = true,
  copyTo,
  log = console.log,
}) {
  if (build) {
    log('pack: type declarations (tsc)');
    yarn(['tsc']);
    log('pack: building the packages');
    yarn(['backstage-cli', 'repo', 'build']);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // Two at a time: most of a pack is the CLI starting up (prepack, postpack), one core each.
  const tarballs = {};
  const queue = publishedPackages(copyTo ? copyForPacking(copyTo) : root);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { name, dir } = next;
      const file = join(out, `${name.replace('@', '').replace('/', '-')}.tgz`);
      await yarnAsync(['pack', '--out', file], { cwd: dir });
      tarballs[name] = file;
      log(`pack: ${name} -> ${file}`);
    }
  };
  await Promise.all([worker(), worker()]);
  return Object.fromEntries(
    Object.entries(tarballs).sort(([a], [b]) => a.localeCompare(b)),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const out = resolve(
    outIndex >= 0 ? args[outIndex + 1] : join(root, 'dist-packs'),
  );
  const tarballs = await packAll({ out, build: !args.includes('--no-build') });
  const resolutions = Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
  );
  console.log(
    `\nTarballs in ${out}: ${
      readdirSync(out).length
    }. Add to your app's root package.json:\n`,
  );
  console.log(JSON.stringify({ resolutions }, null, 2));
}
