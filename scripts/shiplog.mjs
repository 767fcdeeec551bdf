#!/usr/bin/env node
// The README's commands: `npm start` (install, then run the portal) and `npm test` (install, then
// every test, on SQLite and, where this machine has PostgreSQL 15's binaries, on a throwaway
// PostgreSQL too). They drive the Yarn release committed under .yarn/releases, so nothing needs to
// be installed globally but Node.js and npm.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  openSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, tmpdir } from 'node:os';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { freePorts, waitFor } from './lib/ports.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yarnRelease = join(root, '.yarn/releases/yarn-4.13.0.cjs');
const command = process.argv[2];
const extraArgs = process.argv.slice(3);

/** What an interrupted run stops before it exits: the portal's process group, PostgreSQL. */
const onInterrupt = new Set();

/** Ctrl-C or a SIGTERM (CI stopping the run) stops what onInterrupt holds, then exits. */
function stopAllOnInterrupt() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      for (const stop of onInterrupt) {
        try {
          stop();
        } catch {
          // already gone
        }
      }
      process.exit(130);
    });
  }
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, {
    stdio: 'inherit',
    cwd: root,
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function yarn(args, options = {}) {
  return run(process.execPath, [yarnRelease, ...args], options);
}

/**
 * Like run(), without blocking this process: resolves with the exit status. A command still running
 * after `timeoutMs` is killed (status 1).
 */
function runAsync(cmd, args, { timeoutMs, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, ...options });
    const timer =
      timeoutMs &&
      setTimeout(() => {
        console.log(`shiplog: ${args.join(' ')} took over ${timeoutMs} ms`);
        child.kill('SIGKILL');
      }, timeoutMs);
    child.on('error', reject);
    child.on('exit', code => {
      if (timer) clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

/** Installs dependencies when package.json files or the lockfile changed since the last install. */
function ensureInstalled() {
  const inputs = ['package.json', 'yarn.lock', ...listWorkspaceManifests()].map(
    file => readFileSync(join(root, file)),
  );
  const digest = createHash('sha256')
    .update(Buffer.concat(inputs))
    .digest('hex');
  const marker = join(root, 'node_modules/.shiplog-install');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === digest) return;
  // better-sqlite3 builds from source here: node-gyp needs the headers of the running Node.js,
  // which Debian-style installs keep under the install prefix (Yarn does not read ~/.npmrc).
  const prefix = dirname(dirname(process.execPath));
  const env = { ...process.env };
  if (
    !env.npm_config_nodedir &&
    existsSync(join(prefix, 'include/node/node.h'))
  ) {
    env.npm_config_nodedir = prefix;
  }
  // better-sqlite3's two sources (SQLite itself and the binding) compile on every core at once.
  env.JOBS ??= 'max';
  console.log(
    'shiplog: installing dependencies (first run takes a few minutes)...',
  );
  const status = yarn(['install', ...(process.env.CI ? ['--immutable'] : [])], {
    env,
  });
  if (status !== 0) process.exit(status);
  writeFileSync(marker, digest);
}

function listWorkspaceManifests() {
  const manifests = [];
  for (const dir of ['packages', 'plugins']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const name of spawnSync('ls', [base], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)) {
      const manifest = join(dir, name, 'package.json');
      if (existsSync(join(root, manifest))) manifests.push(manifest);
    }
  }
  return manifests;
}

async function withPostgres(fn) {
  const env = { ...process.env };
  let pg;
  if (!env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
    pg = await startThrowawayPostgres(join(root, '.pgtest'));
    if (pg) {
      env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING = pg.connection;
      console.log(`shiplog: throwaway PostgreSQL 15 at ${pg.connection}`);
    } else {
      console.log(
        'shiplog: no PostgreSQL 15 binaries found; database tests run on SQLite only',
      );
    }
  }
  // There is no Docker engine here; TestDatabases must use the connection string above.
  env.BACKSTAGE_TEST_DISABLE_DOCKER = '1';
  if (pg) onInterrupt.add(pg.stop);
  try {
    return await fn(env);
  } finally {
    if (pg) onInterrupt.delete(pg.stop);
    pg?.stop();
  }
}

/** Stops the portal's whole process group: SIGTERM, then SIGKILL if it is still there after 10 s. */
async function stopPortal(portal, exited) {
  const signal = sig => {
    try {
      process.kill(-portal.pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  await waitFor(async () => exited(), 10_000);
  signal('SIGKILL');
}

/** Ports the end-to-end portal listens on, free on this machine right now (never fixed ones). */
async function endToEndPorts() {
  const [frontend, backend, argoNonprod, gitDaemon, argoProd, slack] =
    await freePorts(6);
  return { frontend, backend, argoNonprod, gitDaemon, argoProd, slack };
}

/**
 * The configuration the end-to-end portal adds to app-config.yaml: its ports, in-memory databases,
 * and the demo catalog with the GitOps repository at this run's git daemon port.
 */
async function writeEndToEndConfig(work, ports, urls) {
  // Loaded here, not at the top: `install` runs this script before any dependency exists.
  const { parse: parseYaml, stringify: toYaml } = await import('yaml');
  const entities = join(work, 'entities.yaml');
  writeFileSync(
    entities,
    readFileSync(join(root, 'examples/entities.yaml'), 'utf8').replaceAll(
      'git://localhost:7011/gitops.git',
      urls.gitops,
    ),
  );
  const own = parseYaml(readFileSync(join(root, 'app-config.yaml'), 'utf8'));
  const development = parseYaml(
    readFileSync(join(root, 'app-config.development.yaml'), 'utf8'),
  );
  const locations = own.catalog.locations.map(location =>
    location.target === '../../examples/entities.yaml'
      ? { ...location, target: entities }
      : location,
  );
  const instances = development.shiplog.argocd.instances.map(instance => ({
    ...instance,
    url: `http://localhost:${
      instance.name === 'prod' ? ports.argoProd : ports.argoNonprod
    }`,
  }));
  const file = join(work, 'app-config.e2e.yaml');
  writeFileSync(
    file,
    toYaml({
      app: { baseUrl: urls.portal },
      backend: {
        baseUrl: urls.backend,
        listen: { port: ports.backend },
        cors: { origin: urls.portal },
        database: { connection: ':memory:' },
      },
      catalog: { locations },
      shiplog: {
        ...liveCheckConfig(own.shiplog.environments),
        argocd: { instances },
        notifications: {
          slack: { apiUrl: `http://localhost:${ports.slack}/api/` },
        },
      },
    }),
  );
  return file;
}

/**
 * What the live checks (scripts/e2e/live.mjs) need beyond the demo: approvals move from prod to qa, so an
 * auto-promotion into qa waits for the guest to approve it in the browser (the demo has one user, who may
 * not approve their own promotion) while the guest's promotion to prod goes through; and a freeze window
 * coming up in prod (it refuses nothing yet), shown on the matrix.
 */
function liveCheckConfig(environments) {
  const day = 86_400_000;
  return {
    environments: environments.map(env =>
      ['qa', 'prod'].includes(env.name)
        ? { ...env, requiresApproval: env.name === 'qa' }
        : env,
    ),
    freezes: [
      {
        name: 'year-end',
        environments: ['prod'],
        from: new Date(Date.now() + 2 * day).toISOString(),
        to: new Date(Date.now() + 9 * day).toISOString(),
      },
    ],
  };
}

/**
 * The Deployments tab end to end in headless Chromium, when this machine has Debian's chromium:
 * starts the portal on in-memory databases, waits for the demo history, runs scripts/e2e.mjs.
 * The script's output goes to `outputFile` when given (the caller shows it later), else to ours.
 * Returns its checks as { passed, failed }, or undefined when skipped.
 */
async function runEndToEnd(env, script = 'scripts/e2e.mjs', outputFile) {
  if (process.env.SHIPLOG_SKIP_E2E) return undefined;
  if (!existsSync('/usr/bin/chromium')) {
    console.log(
      'shiplog: end-to-end check skipped (no /usr/bin/chromium; apt-get install chromium)',
    );
    return undefined;
  }
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  const results = join(cache, 'shiplog-e2e-results.json');
  rmSync(results, { force: true });
  // Screenshots are written afresh, never through a hard link into another checkout's cache.
  rmSync(join(cache, 'e2e-screenshots'), { recursive: true, force: true });
  const work = mkdtempSync(join(tmpdir(), 'shiplog-e2e-'));
  const ports = await endToEndPorts();
  const urls = {
    portal: `http://localhost:${ports.frontend}`,
    backend: `http://localhost:${ports.backend}`,
    gitops: `git://localhost:${ports.gitDaemon}/gitops.git`,
  };
  const config = await writeEndToEndConfig(work, ports, urls);
  const portalStarted = Date.now();
  console.log(
    `shiplog: starting the portal for the end-to-end check (in-memory databases, ${urls.portal}, ${urls.backend})`,
  );
  // Kept for when the check fails. Removed first: a worktree's hard-linked cache must not write
  // through to another checkout's file.
  const logFile = join(cache, 'shiplog-e2e-portal.log');
  rmSync(logFile, { force: true });
  const log = openSync(logFile, 'w');
  const portal = spawn(
    process.execPath,
    [
      yarnRelease,
      'dev',
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      join(root, 'app-config.development.yaml'),
      '--config',
      config,
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        ARGOCD_SIM_NONPROD_PORT: String(ports.argoNonprod),
        ARGOCD_SIM_PROD_PORT: String(ports.argoProd),
        SHIPLOG_GIT_DAEMON_PORT: String(ports.gitDaemon),
        SLACK_SIM_PORT: String(ports.slack),
        // A fresh GitOps repository too, matching the fresh ledger.
        SHIPLOG_GITOPS_DIR: join(work, 'gitops'),
      },
    },
  );
  let hasExited = false;
  portal.on('exit', () => {
    hasExited = true;
  });
  const killPortal = () => process.kill(-portal.pid, 'SIGKILL');
  onInterrupt.add(killPortal);
  try {
    const token = 'shiplog-dev-ci-token-0123456789';
    const ready = await waitFor(
      async () => {
        const res = await fetch(
          `${urls.backend}/api/shiplog/v1/entities/component/default/checkout/environments`,
          {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(10_000),
          },
        );
        const body = res.ok ? await res.json() : undefined;
        const frontend = await fetch(`${urls.portal}/`, {
          signal: AbortSignal.timeout(10_000),
        });
        return Boolean(body?.undeployed?.commitCount) && frontend.ok;
      },
      // The portal's first build shares the cores with the unit tests (npm test runs both at once).
      600_000,
      () => hasExited,
    );
    if (!ready) {
      console.log(
        `shiplog: the portal ${
          hasExited
            ? 'exited'
            : 'did not come up with its demo data within 10 minutes'
        }; see node_modules/.cache/shiplog-e2e-portal.log`,
      );
      return { passed: 0, failed: 1 };
    }
    const checksStarted = Date.now();
    const seconds = since => Math.round((Date.now() - since) / 1000);
    console.log(
      `shiplog: the portal answered after ${seconds(portalStarted)} s`,
    );
    let output = 'inherit';
    if (outputFile) {
      rmSync(outputFile, { force: true });
      output = openSync(outputFile, 'w');
    }
    await runAsync(process.execPath, [join(root, script)], {
      timeoutMs: 900_000,
      stdio: ['ignore', output, output],
      env: {
        ...env,
        E2E_RESULTS: results,
        // The whole check times the development build's first view on a machine the tests share:
        // reported, not asserted. The live checks alone assert their one-second target unless the
        // caller says the machine is loaded (E2E_NO_PERF_CHECK=1).
        E2E_NO_PERF_CHECK:
          process.env.E2E_NO_PERF_CHECK ??
          (script === 'scripts/e2e.mjs' ? '1' : ''),
        PORTAL_URL: urls.portal,
        BACKEND_URL: urls.backend,
        GITOPS_URL: urls.gitops,
        SLACK_URL: `http://localhost:${ports.slack}`,
        ARGOCD_PROD_URL: `http://localhost:${ports.argoProd}`,
        // The committed screenshots come from a production build; these go to the cache.
        E2E_SCREENSHOTS: join(cache, 'e2e-screenshots'),
      },
    });
    if (typeof output === 'number') closeSync(output);
    console.log(
      `shiplog: the end-to-end checks took ${seconds(checksStarted)} s`,
    );
    if (!existsSync(results)) return { passed: 0, failed: 1 };
    return JSON.parse(readFileSync(results, 'utf8'));
  } finally {
    onInterrupt.delete(killPortal);
    await stopPortal(portal, () => hasExited);
    rmSync(work, { recursive: true, force: true });
  }
}

/** The end-to-end check as a promise of { passed, failed } (a run that could not start counts as failed). */
function endToEndBeside(env, outputFile) {
  return runEndToEnd(env, 'scripts/e2e.mjs', outputFile).catch(error => {
    console.log(
      `shiplog: the end-to-end check could not run: ${error.stack ?? error}`,
    );
    return { passed: 0, failed: 1 };
  });
}

/**
 * Jest's worker count on a small machine: one more than the cores, because the slowest test files
 * spend much of their time waiting (git, HTTP servers, PostgreSQL) rather than computing, and Jest's
 * default count then leaves a core idle. A --maxWorkers given on the command line wins.
 */
function testWorkers() {
  const cores = availableParallelism();
  if (cores > 4 || extraArgs.some(arg => arg.startsWith('--maxWorkers'))) {
    return [];
  }
  return [`--maxWorkers=${cores + 1}`];
}

async function test() {
  ensureInstalled();
  stopAllOnInterrupt();
  const status = await withPostgres(async env => {
    const cache = join(root, 'node_modules/.cache');
    const results = join(cache, 'shiplog-test-results.json');
    mkdirSync(cache, { recursive: true });
    rmSync(results, { force: true });
    // The end-to-end check spends most of its time waiting on the portal and the browser, the unit
    // tests on the cores: they run side by side, and the check's output is shown after the tests'.
    const endToEndOutput = join(cache, 'shiplog-e2e-output.log');
    rmSync(endToEndOutput, { force: true });
    const endToEndRun = endToEndBeside(env, endToEndOutput);
    const code = await runAsync(
      process.execPath,
      [
        yarnRelease,
        'backstage-cli',
        'repo',
        'test',
        '--ci',
        '--json',
        `--outputFile=${results}`,
        ...testWorkers(),
        ...extraArgs,
      ],
      { env: { ...env, CI: 'true' } },
    );
    const endToEnd = (await endToEndRun) ?? { passed: 0, failed: 0 };
    if (existsSync(endToEndOutput)) {
      process.stdout.write(readFileSync(endToEndOutput, 'utf8'));
    }
    if (!existsSync(results)) {
      console.log(
        `${endToEnd.passed} passed, ${
          endToEnd.failed + 1
        } failed (no unit test results)`,
      );
      return code || 1;
    }
    const summary = JSON.parse(readFileSync(results, 'utf8'));
    const postgresUnused = reportDatabases(env, summary);
    const skipped = summary.numPendingTests + summary.numTodoTests;
    console.log(
      `shiplog: end-to-end checks: ${endToEnd.passed} passed, ${endToEnd.failed} failed`,
    );
    const failed = summary.numFailedTests + endToEnd.failed;
    console.log(
      `${summary.numPassedTests + endToEnd.passed} passed, ${failed} failed${
        skipped ? `, ${skipped} skipped` : ''
      }`,
    );
    if (endToEnd.failed) return 1;
    if (postgresUnused) return 1;
    if (summary.numTotalTests === 0) return 1;
    return code;
  });
  process.exit(status);
}

/**
 * Prints how many database tests passed on each database (test names carry the TestDatabases id);
 * returns true when PostgreSQL was there but no test ran on it.
 */
function reportDatabases(env, summary) {
  const names = summary.testResults.flatMap(file =>
    file.assertionResults
      .filter(t => t.status === 'passed')
      .map(t => t.fullName),
  );
  const onPostgres = names.filter(name => name.includes('POSTGRES_15')).length;
  const onSqlite = names.filter(name => name.includes('SQLITE_3')).length;
  console.log(
    `shiplog: database tests passed on PostgreSQL 15: ${onPostgres}, on SQLite: ${onSqlite}`,
  );
  const postgresUnused =
    env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING &&
    onPostgres === 0 &&
    summary.numFailedTests === 0 &&
    !extraArgs.length;
  if (postgresUnused) {
    console.log('shiplog: PostgreSQL was available but no test ran on it');
  }
  return postgresUnused;
}

function start() {
  ensureInstalled();
  mkdirSync(join(root, '.data'), { recursive: true });
  const child = spawn(process.execPath, [yarnRelease, 'dev', ...extraArgs], {
    stdio: 'inherit',
    cwd: root,
  });
  const forward = signal => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', code => process.exit(code ?? 0));
}

async function bench() {
  ensureInstalled();
  const status = await withPostgres(
    env =>
      yarn(
        ['workspace', '@shiplog/plugin-shiplog-backend', 'bench', ...extraArgs],
        { env },
      ) ||
      // Org views (rollup, DORA) at their own scale, seeded in bulk on the same PostgreSQL.
      yarn(['workspace', '@shiplog/plugin-shiplog-backend', 'bench:org'], {
        env,
      }),
  );
  process.exit(status);
}

async function benchArgoCd() {
  ensureInstalled();
  const status = await withPostgres(env =>
    yarn(
      [
        'workspace',
        '@shiplog/plugin-shiplog-backend',
        'bench:argocd',
        ...extraArgs,
      ],
      { env },
    ),
  );
  process.exit(status);
}

function install() {
  ensureInstalled();
}

/**
 * Only the end-to-end check (a portal on free ports, then scripts/e2e.mjs), without the unit tests.
 * Expects installed dependencies (`install` first): it never installs, so it can run beside other work.
 */
async function endToEndOnly() {
  const started = Date.now();
  stopAllOnInterrupt();
  // `e2e-only live`: only the live checks (scripts/e2e/live.mjs), a few minutes instead of the whole run.
  const script =
    extraArgs[0] === 'live' ? 'scripts/e2e/liveOnly.mjs' : 'scripts/e2e.mjs';
  const result = (await runEndToEnd({ ...process.env }, script)) ?? {
    passed: 0,
    failed: 0,
  };
  console.log(
    `shiplog: end-to-end checks: ${result.passed} passed, ${
      result.failed
    } failed in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  process.exit(result.failed ? 1 : 0);
}

const commands = {
  install,
  start,
  test,
  bench,
  'bench-argocd': benchArgoCd,
  'e2e-only': endToEndOnly,
};
if (!commands[command]) {
  console.error(
    `usage: node scripts/shiplog.mjs <${Object.keys(commands).join(
      '|',
    )}> [args...]`,
  );
  process.exit(2);
}
await commands[command]();
