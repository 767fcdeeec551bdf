#!/usr/bin/env node
// Browser timings of the production build (`npm run bench:browser`): the demo app built by
// `yarn workspace app build` (once; `--build` rebuilds it) and served by the backend, on a throwaway
// PostgreSQL, on a free port. Seeds a Group owning 500 components (a few releases each, drift and
// failures) and `monolith` (2,000 releases, 10,000 deployments) through the ingest API, then times in
// headless Chromium, from the click on the Deployments tab (the app already loaded, as a user does):
//   - the Group's tab: until its first page (50 rows, "1-50 of 500") is on screen;
//   - monolith's tab: until the environment matrix and the first page of releases are on screen.
// Prints each run and the median, with the machine's load. Asserts nothing; `--runs N` (default 5).
// `--screenshots` also seeds the demo's history and saves the org views' screenshots of the production
// build under docs/screenshots/ (System shop's and Group team-shop's tabs, the DORA card, the catalog
// columns), through the end-to-end check's org views steps.
// Needs Debian's chromium (apt-get install chromium); it never downloads a browser.
import { chromium } from 'playwright-core';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import { MONOLITH_RELEASES, monolithEvents } from './e2e/monolith.mjs';
import { checkOrgViews } from './lib/e2eOrgViews.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { freePort, waitFor } from './lib/ports.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const yarnRelease = join(root, '.yarn/releases/yarn-4.13.0.cjs');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const args = process.argv.slice(2);
const RUNS = args.includes('--runs')
  ? Number(args[args.indexOf('--runs') + 1])
  : 5;
const SCREENSHOTS = args.includes('--screenshots');
const GROUP = 'bench-team';
const GROUP_SIZE = 500;
const TOKEN = `shiplog-bench-browser-${process.pid}-0123456789`;
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A Group and the components it owns, as catalog YAML. */
function groupEntities() {
  const docs = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: GROUP, description: 'The browser benchmark team' },
      spec: { type: 'team', children: [] },
    },
  ];
  for (let i = 0; i < GROUP_SIZE; i++) {
    docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `bench-svc-${i}`,
        annotations: { 'shiplog.dev/image': `ghcr.io/acme/bench-svc-${i}` },
      },
      spec: { type: 'service', lifecycle: 'production', owner: GROUP },
    });
  }
  return docs.map(doc => toYaml(doc)).join('---\n');
}

/**
 * Three releases per component over the last three weeks: dev and qa run the newest, stage one
 * behind, prod two behind; one component in seven failed its last prod deploy, one in five its stage.
 */
function groupEvents() {
  const events = [];
  const base = Date.now() - 21 * DAY;
  for (let i = 0; i < GROUP_SIZE; i++) {
    const entityRef = `component:default/bench-svc-${i}`;
    for (let r = 1; r <= 3; r++) {
      const released = base + r * 5 * DAY + i * 1000;
      const at = offset => new Date(released + offset).toISOString();
      const sha = `${i.toString(16)}f${r}`.padEnd(40, '0');
      const version = `1.0.${r}`;
      events.push({
        id: `bench-r-${i}-${r}`,
        entityRef,
        type: 'release',
        status: 'succeeded',
        version,
        commitSha: sha,
        occurredAt: at(0),
        commits: [{ sha, message: `feat: change ${r}`, timestamp: at(-HOUR) }],
      });
      const deploy = (environment, hours, status = 'succeeded') =>
        events.push({
          id: `bench-d-${i}-${r}-${environment}`,
          entityRef,
          type: 'deploy',
          status,
          version,
          environment,
          occurredAt: at(hours * HOUR),
        });
      deploy('dev', 1);
      deploy('qa', 2);
      if (r < 3) deploy('stage', 3);
      else if (i % 5 === 0) deploy('stage', 3, 'failed');
      if (r === 1) deploy('prod', 4);
      else if (r === 2 && i % 7 === 0) deploy('prod', 4, 'failed');
    }
  }
  return events;
}

async function post(backend, events) {
  for (let i = 0; i < events.length; i += 500) {
    const res = await fetch(`${backend}/api/shiplog/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TOKEN}`,
      },
      body: JSON.stringify({ events: events.slice(i, i + 500) }),
      signal: AbortSignal.timeout(120_000),
    });
    if (res.status !== 202)
      throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  }
}

function writeConfig(work, port, connection) {
  const backend = `http://localhost:${port}`;
  const entities = join(work, 'bench-entities.yaml');
  writeFileSync(entities, groupEntities());
  const file = join(work, 'app-config.bench-browser.yaml');
  writeFileSync(
    file,
    toYaml({
      app: { baseUrl: backend },
      backend: {
        baseUrl: backend,
        listen: { port },
        cors: { origin: backend },
        database: { client: 'pg', connection },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: TOKEN, subject: 'bench' },
              accessRestrictions: [{ plugin: 'shiplog' }],
            },
          ],
        },
      },
      shiplogDemo: { seed: SCREENSHOTS },
      catalog: {
        locations: [
          { type: 'file', target: join(root, 'examples/entities.yaml') },
          {
            type: 'file',
            target: join(root, 'examples/org.yaml'),
            rules: [{ allow: ['User', 'Group'] }],
          },
          { type: 'file', target: entities },
        ],
      },
    }),
  );
  return { file, backend };
}

/** How long the group's rollup request takes on its own, apart from the browser's rendering. */
async function rollupRequestTimes(backend) {
  const times = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await groupReady(backend);
    times.push(performance.now() - started);
  }
  return times;
}

/** The rollup of the group lists every component once the catalog has processed them. */
async function groupReady(backend) {
  const res = await fetch(
    `${backend}/api/shiplog/v1/entities/group/default/${GROUP}/rollup`,
    {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(30_000),
    },
  );
  if (!res.ok) return false;
  const body = await res.json();
  return body.components?.length === GROUP_SIZE;
}

/**
 * Opens the entity's page, clicks its Deployments tab and returns the milliseconds, measured in the
 * page, from the click to `ready()` holding (checked every animation frame).
 */
async function firstView(page, backend, entityPath, ready, arg) {
  await page.goto(`${backend}/catalog/default/${entityPath}`, {
    waitUntil: 'networkidle',
    timeout: 120_000,
  });
  const tab = page.getByText('Deployments', { exact: true });
  await tab
    .first()
    .waitFor({ timeout: 60_000 })
    .catch(async error => {
      const shot = join(tmpdir(), 'shiplog-bench-browser-failed.png');
      await page.screenshot({ path: shot, fullPage: true });
      throw new Error(
        `no Deployments tab on ${entityPath} (see ${shot}): ${error.message}`,
      );
    });
  await page.evaluate(() => {
    window.shiplogBenchClick = performance.now();
    window.shiplogBenchFirst = undefined;
    window.shiplogBenchDone = undefined;
    window.shiplogBenchPointer = undefined;
    // When the browser dispatches the click: Playwright finds the tab and checks it first (its text
    // search walks the whole page, 7,000 elements on the group's overview), while the page may still be busy.
    document.addEventListener(
      'pointerdown',
      event => {
        window.shiplogBenchPointer = event.timeStamp;
      },
      { capture: true, once: true },
    );
  });
  await tab.first().click();
  await page.waitForFunction(ready, arg, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => ({
    first:
      (window.shiplogBenchFirst ?? window.shiplogBenchDone) -
      window.shiplogBenchClick,
    all: window.shiplogBenchDone - window.shiplogBenchClick,
    beforePointer: window.shiplogBenchPointer - window.shiplogBenchClick,
  }));
}

/** The table shows a page of 50 rows with the count of all: the first page is the first view. */
function rollupShown(rows) {
  const shown = document.querySelectorAll(
    'table[aria-label^="Deployments across"] tbody tr',
  ).length;
  const counted = [...document.querySelectorAll('p')].some(
    p => p.textContent === `1-${Math.min(rows, 50)} of ${rows}`,
  );
  const done = shown >= Math.min(rows, 50) && counted;
  if (done) window.shiplogBenchDone = performance.now();
  return done;
}

function releasesShown() {
  const buttons = [...document.querySelectorAll('button')];
  const shown =
    buttons.some(b => b.textContent?.trim() === 'Older releases') &&
    [...document.querySelectorAll('h2, h3, h4, h5, h6, span, div')].some(
      el => el.childElementCount === 0 && el.textContent === 'Environments',
    );
  if (shown) window.shiplogBenchDone = performance.now();
  return shown;
}

/** The org views' screenshots of the production build, taken by the end-to-end check's steps. */
async function screenshots(page, backend) {
  const guestToken = await fetch(`${backend}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  }).then(async res => (await res.json()).backstageIdentity.token);
  let failed = 0;
  await checkOrgViews({
    page,
    portal: backend,
    backend,
    token: guestToken,
    check: (ok, message) => {
      if (!ok) failed++;
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
    },
    screenshots: join(root, 'docs/screenshots'),
  });
  console.log(
    `bench:browser: screenshots saved under docs/screenshots/${
      failed ? ` (${failed} check(s) failed)` : ''
    }`,
  );
}

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const format = values => values.map(v => `${Math.round(v)}`).join(' / ');

async function measure(backend) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-dev-shm-usage',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    await page.goto(`${backend}/catalog/default/component/checkout`, {
      waitUntil: 'networkidle',
      timeout: 120_000,
    });
    const guest = page.getByRole('button', { name: /^enter$/i });
    await guest.first().waitFor({ timeout: 60_000 });
    await guest.first().click();
    await page
      .getByText('Deployments', { exact: true })
      .first()
      .waitFor({ timeout: 60_000 });
    const group = [];
    const monolith = [];
    for (let run = 0; run < RUNS; run++) {
      group.push(
        await firstView(
          page,
          backend,
          `group/${GROUP}`,
          rollupShown,
          GROUP_SIZE,
        ),
      );
      monolith.push(
        await firstView(page, backend, 'component/monolith', releasesShown),
      );
    }
    if (SCREENSHOTS) await screenshots(page, backend);
    return { group, monolith };
  } finally {
    await browser.close();
  }
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.log(
      `bench:browser: no ${CHROMIUM} (apt-get install chromium); skipped`,
    );
    return;
  }
  if (
    args.includes('--build') ||
    !existsSync(join(root, 'packages/app/dist/index.html'))
  ) {
    console.log('bench:browser: building the app (yarn workspace app build)');
    const built = spawnSync(
      process.execPath,
      [yarnRelease, 'workspace', 'app', 'build'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (built.status !== 0) throw new Error('the app build failed');
  }
  const pg = await startThrowawayPostgres(
    join(tmpdir(), `shiplog-bench-browser-pg-${process.pid}`),
  );
  if (!pg) throw new Error('no PostgreSQL 15 on this machine');
  const work = mkdtempSync(join(tmpdir(), 'shiplog-bench-browser-'));
  const port = Number(process.env.SHIPLOG_BENCH_PORT ?? (await freePort()));
  const { file, backend } = writeConfig(work, port, pg.connection);
  const log = join(work, 'backend.log');
  const child = spawn(
    process.execPath,
    [
      yarnRelease,
      'workspace',
      'backend',
      'start',
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      file,
    ],
    {
      cwd: root,
      detached: true,
      stdio: ['ignore', openSync(log, 'w'), openSync(log, 'a')],
    },
  );
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  try {
    const up = await waitFor(
      async () => (await fetch(`${backend}/.backstage/health/v1/readiness`)).ok,
      300_000,
      () => exited,
    );
    if (!up) throw new Error(`the backend did not start; see ${log}`);
    const started = Date.now();
    const events = groupEvents();
    await post(backend, events);
    const mono = monolithEvents();
    await post(backend, mono.events);
    console.log(
      `bench:browser: seeded ${
        events.length
      } events for ${GROUP_SIZE} components and ${
        mono.events.length
      } for monolith in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    if (
      !(await waitFor(
        () => groupReady(backend),
        300_000,
        () => exited,
      ))
    )
      throw new Error(
        `the catalog did not list the group's components; see ${log}`,
      );
    const api = await rollupRequestTimes(backend);
    const { group, monolith } = await measure(backend);
    const groupFirst = group.map(g => g.first);
    const monolithAll = monolith.map(m => m.all);
    const load = loadavg()
      .map(l => l.toFixed(1))
      .join(', ');
    console.log(
      `Production build in headless Chromium (load average ${load}), from the click on the tab:`,
    );
    console.log(
      `  Group with ${GROUP_SIZE} components, its first page of 50 rows on screen: ${format(
        groupFirst,
      )} ms (median ${Math.round(median(groupFirst))}; target under 1 s)`,
    );
    console.log(
      `    of which before the browser dispatched the click (Playwright's checks, the page busy): ${format(
        group.map(g => g.beforePointer),
      )} ms`,
    );
    console.log(
      `  the group's rollup request alone (from Node.js, the static token): ${format(
        api,
      )} ms`,
    );
    console.log(
      `  monolith (${MONOLITH_RELEASES} releases, ${
        mono.deployments
      } deployments), matrix and first releases: ${format(
        monolithAll,
      )} ms (median ${Math.round(median(monolithAll))}; target under 500 ms)`,
    );
    console.log(
      `    of which before the browser dispatched the click: ${format(
        monolith.map(m => m.beforePointer),
      )} ms`,
    );
  } finally {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    await new Promise(resolve => setTimeout(resolve, 2000));
    pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
