// Checks of a packed tarball before anything installs it: its entry points name files it carries,
// it carries what runs besides code, and every package its built code imports is declared.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Unpacks a tarball into a temporary folder; returns its files and a reader. */
function unpack(file) {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-tarball-'));
  const result = spawnSync('tar', ['-xzf', file, '-C', dir], {
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`tar -xzf ${file}: ${result.stderr}`);
  const base = join(dir, 'package');
  const files = readdirSync(base, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry =>
      relative(base, join(entry.parentPath ?? entry.path, entry.name)),
    );
  return {
    files,
    read: path => readFileSync(join(base, path), 'utf8'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every path a package.json's main/module/types/exports/typesVersions names. */
function entryPaths(pkg) {
  const paths = [pkg.main, pkg.module, pkg.types];
  // `backstage` in an export condition names a feature type, not a file.
  const walk = value => {
    if (typeof value === 'string') paths.push(value);
    else if (value && typeof value === 'object') {
      Object.entries(value)
        .filter(([key]) => key !== 'backstage')
        .forEach(([, inner]) => walk(inner));
    }
  };
  walk(pkg.exports);
  walk(pkg.typesVersions);
  return paths.filter(Boolean).map(path => path.replace(/^\.\//, ''));
}

// Static imports and re-exports (import lists hold only names, braces, commas and whitespace),
// require() and import() calls: what rollup and api-extractor write.
const IMPORTS = [
  /(?:^|;)\s*(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"\n]+)['"]/gm,
  /\brequire\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  /\bimport\(\s*['"]([^'"\n]+)['"]\s*\)/g,
];
const PACKAGE = /^(@[\w.-]+\/)?[\w.-]+/;

/** The packages a built file imports (relative paths, `node:` and Node's built-ins left out). */
function importedPackages(source) {
  const names = new Set();
  for (const pattern of IMPORTS) {
    for (const [, specifier] of source.matchAll(pattern)) {
      if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
      const name = specifier.match(PACKAGE)?.[0];
      if (name && !builtinModules.includes(name)) names.add(name);
    }
  }
  return names;
}

/**
 * Problems with one tarball, as sentences; `required` lists paths (or path prefixes ending in `/`)
 * that must be in it.
 */
export function checkTarball(file, required = []) {
  const { files, read, remove } = unpack(file);
  try {
    return problemsOf(files, read, required);
  } finally {
    remove();
  }
}

function problemsOf(files, read, required) {
  const has = new Set(files);
  const pkg = JSON.parse(read('package.json'));
  const problems = [];
  for (const path of entryPaths(pkg)) {
    if (path === 'package.json') continue;
    if (path.startsWith('src/'))
      problems.push(`${pkg.name}: an entry point names ${path}`);
    else if (!has.has(path))
      problems.push(`${pkg.name}: ${path} is named but not packed`);
  }
  for (const path of required) {
    const found = path.endsWith('/')
      ? files.some(f => f.startsWith(path) && f.length > path.length)
      : has.has(path);
    if (!found) problems.push(`${pkg.name}: ${path} is not packed`);
  }
  const declared = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  for (const path of files.filter(f => /^dist\/.*\.(c?js|d\.ts)$/.test(f))) {
    for (const name of importedPackages(read(path))) {
      if (!declared.has(name)) {
        problems.push(
          `${pkg.name}: ${path} imports ${name}, which is not a dependency`,
        );
      }
    }
  }
  return [...new Set(problems)];
}
