#!/usr/bin/env node
// `yarn install-check`: Shiplog installed the way the root README tells a newcomer, into a Backstage
// app outside this repository. Packs the six packages, checks each tarball (entry points in dist/,
// migrations, config schema, the service template, every import declared), lays out the app of
// scripts/install-check/fixture in a fresh temporary folder, adds the README's `yarn add` lines,
// backend lines and configuration block, installs, type-checks, starts the backend on free ports
// against a throwaway PostgreSQL, posts the README's first event with a static token, reads the
// environments matrix back, and builds the frontend.
//
//   node scripts/install-check.mjs [--no-build] [--keep] [--app DIR]
//     --no-build  the packages' dist/ and dist-types/ are current (CI ran tsc:full and the build)
//     --keep      leave the temporary app in place and print where it is
//     --app DIR   reuse the app a --keep run left (installed and type-checked): start, ask, build
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { packAll } from './pack.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { freePorts, waitFor } from './lib/ports.mjs';
import { parseYarnAdds, readInstallBlocks, splitSpec } from './lib/readme.mjs';
import { root, yarn, yarnAsync, yarnRelease } from './lib/repo.mjs';
import { checkTarball } from './lib/tarballs.mjs';

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const reuse = args.includes('--app')
  ? args[args.indexOf('--app') + 1]
  : undefined;
const fixture = join(root, 'scripts/install-check/fixture');
const PACKS = '$SHIPLOG_PACKS';

/** What each tarball must carry besides its entry points. */
const REQUIRED_FILES = {
  '@shiplog/plugin-shiplog-backend': ['migrations/', 'config.schema.json'],
  '@shiplog/plugin-events-backend-module-shiplog': ['config.schema.json'],
  '@shiplog/plugin-scaffolder-backend-module-shiplog': [
    'templates/new-service/template.yaml',
  ],
};

const timings = [];
async function step(name, fn) {
  const started = Date.now();
  console.log(`install-check: ${name}`);
  try {
    return await fn();
  } finally {
    timings.push([name, (Date.now() - started) / 1000]);
  }
}

/** The version ranges Shiplog's own workspaces use, by package name (the first one found wins). */
function monorepoRanges() {
  const ranges = {};
  const manifests = [join(root, 'package.json')];
  for (const dir of ['packages', 'plugins']) {
    for (const name of readdirSync(join(root, dir))) {
      const file = join(root, dir, name, 'package.json');
      if (existsSync(file)) manifests.push(file);
    }
  }
  for (const file of manifests) {
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) {
        if (!range.startsWith('workspace:') && !range.startsWith('link:')) {
          ranges[name] ??= range;
        }
      }
    }
  }
  return ranges;
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function writeJson(file, value) {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Lays out the app: the fixture, "*" versions replaced by the monorepo's ranges, the README's
 * `yarn add` lines as dependencies, `resolutions` for the tarballs, and the monorepo's lockfile as
 * the seed, so the app resolves the Backstage release Shiplog is built against.
 */
function layOutApp(app, tarballs, readme) {
  cpSync(fixture, app, { recursive: true });
  const ranges = monorepoRanges();
  const rangeOf = name => {
    if (!ranges[name]) {
      throw new Error(
        `no workspace of Shiplog declares ${name}: give it a version`,
      );
    }
    return ranges[name];
  };
  const fillIn = deps =>
    Object.fromEntries(
      Object.entries(deps ?? {}).map(([name, range]) => [
        name,
        range === '*' ? rangeOf(name) : range,
      ]),
    );
  const manifests = {
    root: join(app, 'package.json'),
    backend: join(app, 'packages/backend/package.json'),
    app: join(app, 'packages/app/package.json'),
  };
  const pkgs = Object.fromEntries(
    Object.entries(manifests).map(([key, file]) => [key, readJson(file)]),
  );
  for (const pkg of Object.values(pkgs)) {
    pkg.dependencies = fillIn(pkg.dependencies);
    pkg.devDependencies = fillIn(pkg.devDependencies);
  }
  const packs = Object.values(tarballs)[0].replace(/\/[^/]+$/, '');
  for (const { workspace, specs } of parseYarnAdds(
    readme['yarn-add'].join('\n'),
  )) {
    const pkg = pkgs[workspace];
    if (!pkg)
      throw new Error(
        `README adds to packages/${workspace}, which a standard app lacks`,
      );
    for (const spec of specs) {
      const { name, range } = splitSpec(spec);
      if (pkg.dependencies[name]) {
        throw new Error(
          `README adds ${name} to packages/${workspace}, which a standard app already has`,
        );
      }
      pkg.dependencies[name] = range
        ? range.replace(PACKS, packs)
        : rangeOf(name);
    }
  }
  const own = readJson(join(root, 'package.json'));
  pkgs.root.resolutions = {
    ...own.resolutions,
    ...pkgs.root.resolutions,
    ...Object.fromEntries(
      Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]),
    ),
  };
  pkgs.root.dependenciesMeta = own.dependenciesMeta;
  for (const [key, file] of Object.entries(manifests))
    writeJson(file, pkgs[key]);

  cpSync(join(root, 'yarn.lock'), join(app, 'yarn.lock'));
  // No install scripts: nothing the app runs needs one (no native addon: the backend uses pg), and
  // core-js, esbuild, swc and protobufjs would otherwise each run theirs.
  const yarnrc = `${readFileSync(join(root, '.yarnrc.yml'), 'utf8').replace(
    /^yarnPath:.*$/m,
    `yarnPath: ${yarnRelease}`,
  )}enableScripts: false\n`;
  writeFileSync(join(app, '.yarnrc.yml'), yarnrc);

  const index = join(app, 'packages/backend/src/index.ts');
  const marker = '// INSTALL-CHECK: README backend lines';
  const source = readFileSync(index, 'utf8');
  if (!source.includes(marker))
    throw new Error('fixture backend has no marker');
  writeFileSync(index, source.replace(marker, readme.backend.join('\n')));
  writeFileSync(
    join(app, 'app-config.shiplog.yaml'),
    readme['app-config'].join('\n'),
  );
}

/** Starts the app's backend; resolves once it answers, with a stop function. */
async function startBackend(app, configs, env, logFile) {
  const log = openSync(logFile, 'w');
  const child = spawn(
    process.execPath,
    [
      yarnRelease,
      'workspace',
      'backend',
      'start',
      ...configs.flatMap(config => ['--config', config]),
    ],
    { cwd: app, env, detached: true, stdio: ['ignore', log, log] },
  );
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = async () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    await waitFor(async () => exited, 10_000);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone
    }
  };
  return { stop, exited: () => exited };
}

/**
 * Removes the app (its node_modules: some 150,000 files) without making the caller wait: `rm` runs
 * detached and outlives this script, so CI goes on to the tests meanwhile.
 */
function removeInBackground(dir) {
  spawn('rm', ['-rf', dir], { detached: true, stdio: 'ignore' }).unref();
}

/** The README's first curl, run by bash against this run's backend and token. */
function runReadmeCurl(blocks, baseUrl, env) {
  const script = blocks.join('\n').replaceAll('http://localhost:7007', baseUrl);
  const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    env,
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Packs, checks the tarballs, lays out the app, installs it and type-checks it. */
async function prepareApp(app, work, readme, env, failures) {
  // From a copy of the checkout: CI runs the unit tests and the portal beside this check.
  const tarballs = await step('pack', () =>
    packAll({
      out: join(work, 'packs'),
      build: !args.includes('--no-build'),
      copyTo: join(work, 'checkout'),
    }),
  );
  await step('check the tarballs', () => {
    for (const [name, file] of Object.entries(tarballs)) {
      const problems = checkTarball(file, REQUIRED_FILES[name]);
      failures.push(...problems);
      console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name} tarball`);
      problems.forEach(problem => console.log(`     ${problem}`));
    }
  });
  if (failures.length) return;

  await step('lay out the app', () => layOutApp(app, tarballs, readme));
  await step('install', () => yarn(['install'], { cwd: app, env }));
  await step('type-check', () => yarn(['tsc'], { cwd: app, env }));
}

async function main() {
  const started = Date.now();
  const work = reuse
    ? join(reuse, '..')
    : mkdtempSync(join(tmpdir(), 'shiplog-install-check-'));
  const app = join(work, 'app');
  const failures = [];
  let pg;
  let backend;
  try {
    const readme = readInstallBlocks();
    for (const name of ['yarn-add', 'backend', 'app-config', 'curl']) {
      if (!readme[name])
        throw new Error(`README has no install-check block "${name}"`);
    }
    const env = { ...process.env };
    delete env.npm_config_user_agent;
    // The app is someone else's new app: its lockfile is written by this install, even under CI.
    env.YARN_ENABLE_IMMUTABLE_INSTALLS = 'false';
    if (!env.npm_config_nodedir && existsSync('/usr/include/node/node.h')) {
      env.npm_config_nodedir = '/usr';
    }
    if (!reuse) await prepareApp(app, work, readme, env, failures);
    if (failures.length) return failures;

    const [backendPort] = await freePorts(1);
    const baseUrl = `http://localhost:${backendPort}`;
    // Its own temporary folder: PostgreSQL runs as the postgres user, which cannot enter `work`.
    const pgDir = mkdtempSync(join(tmpdir(), 'shiplog-install-check-pg-'));
    pg = await step('PostgreSQL', () => startThrowawayPostgres(pgDir));
    if (!pg) rmSync(pgDir, { recursive: true, force: true });
    if (!pg)
      throw new Error(
        'PostgreSQL 15 is needed (apt-get install postgresql-15)',
      );
    const runConfig = join(app, 'app-config.check.yaml');
    writeFileSync(
      runConfig,
      toYaml({
        app: { baseUrl },
        backend: {
          baseUrl,
          listen: { port: backendPort, host: '127.0.0.1' },
          database: {
            client: 'pg',
            connection: { host: pg.host, port: pg.port, user: 'postgres' },
          },
        },
      }),
    );
    const configs = [
      join(app, 'app-config.yaml'),
      join(app, 'app-config.shiplog.yaml'),
      runConfig,
    ];
    // Only the variable the README calls required, in the format it gives: the optional ones stay
    // unset, which the README says the backend starts without.
    const runEnv = {
      ...env,
      SHIPLOG_CI_TOKEN: randomBytes(24).toString('base64'),
      NODE_OPTIONS: '--no-node-snapshot',
    };
    for (const name of [
      'GITHUB_WEBHOOK_SECRET',
      'SHIPLOG_HARBOR_WEBHOOK_SECRET',
      'SHIPLOG_ARGOCD_WEBHOOK_SECRET',
    ]) {
      delete runEnv[name];
    }
    // The frontend builds while the backend starts and answers: two cores, two jobs.
    const buildStarted = Date.now();
    const frontendBuild = yarnAsync(
      ['workspace', 'app', 'build', ...configs.flatMap(c => ['--config', c])],
      { cwd: app, env: runEnv },
    ).then(
      () => {
        const seconds = (Date.now() - buildStarted) / 1000;
        timings.push(['build the frontend (beside the backend)', seconds]);
        return undefined;
      },
      error => error,
    );
    const logFile = join(work, 'backend.log');
    backend = await step('start the backend', async () => {
      const started = await startBackend(app, configs, runEnv, logFile);
      const up = await waitFor(
        async () =>
          (
            await fetch(`${baseUrl}/.backstage/health/v1/readiness`)
          ).ok,
        240_000,
        started.exited,
      );
      if (!up) {
        console.log(readFileSync(logFile, 'utf8').slice(-6000));
        throw new Error(`the backend did not come up (log: ${logFile})`);
      }
      return started;
    });

    await step('ask the API', async () => {
      // The catalog reads examples/entities.yaml on its first pass: wait for the component.
      const matrixUrl = `${baseUrl}/api/shiplog/v1/entities/component/default/checkout/environments`;
      const readMatrix = async () => {
        const res = await fetch(matrixUrl, {
          headers: { authorization: `Bearer ${runEnv.SHIPLOG_CI_TOKEN}` },
        });
        return res.ok ? await res.json() : undefined;
      };
      await waitFor(async () => Boolean(await readMatrix()), 120_000);
      const curl = runReadmeCurl(readme.curl, baseUrl, runEnv);
      const accepted =
        curl.status === 0 && /"accepted"\s*:\s*1/.test(curl.output);
      console.log(
        `${accepted ? 'ok  ' : 'FAIL'} README curl: ${curl.output
          .trim()
          .slice(0, 400)}`,
      );
      if (!accepted) failures.push('the README curl was not accepted');
      const matrix = await readMatrix();
      const shown = JSON.stringify(matrix ?? {}).includes('"1.4.0"');
      console.log(
        `${
          shown ? 'ok  ' : 'FAIL'
        } the environments matrix shows the posted release`,
      );
      if (!shown) {
        failures.push(
          `the environments matrix does not show the posted release: ${JSON.stringify(
            matrix,
          )}`,
        );
      }
    });
    await backend.stop();
    backend = undefined;

    const buildError = await step(
      'wait for the frontend build',
      () => frontendBuild,
    );
    if (buildError) throw buildError;
    const bundle = join(app, 'packages/app/dist/static');
    const hasShiplog =
      existsSync(bundle) &&
      readdirSync(bundle).some(
        file =>
          file.endsWith('.js') &&
          readFileSync(join(bundle, file), 'utf8').includes('/v1/entities/'),
      );
    console.log(
      `${
        hasShiplog ? 'ok  ' : 'FAIL'
      } the frontend bundle carries Shiplog's plugin`,
    );
    if (!hasShiplog)
      failures.push("the frontend bundle lacks Shiplog's plugin");
    return failures;
  } finally {
    await backend?.stop();
    pg?.stop();
    if (keep) console.log(`install-check: the app is in ${app}`);
    else if (!reuse) removeInBackground(work);
    for (const [name, seconds] of timings) {
      console.log(`install-check: ${name}: ${seconds.toFixed(1)} s`);
    }
    console.log(
      `install-check: total ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
}

const failures = await main().catch(error => [String(error.stack ?? error)]);
if (failures.length) {
  console.log(`install-check: FAILED\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('install-check: passed');
