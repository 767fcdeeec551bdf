#!/usr/bin/env node
// End-to-end check of the Deployments tab in real headless Chromium, against a running portal
// (`npm start` in another terminal, or PORTAL_URL/BACKEND_URL): the demo's drift and rollback show,
// live Argo CD state and a manual production sync flow through the simulator into the ledger,
// a component with 2,000 releases and 10,000 deployments renders its first view, the new-service
// template's dry run generates its files (through the API and in the template editor), System shop's
// and Group team-shop's Deployments tab, DORA card and catalog columns show (lib/e2eOrgViews.mjs), and
// screenshots are saved under docs/screenshots/. Prints figures; exits non-zero when a check fails.
// Needs Debian's chromium (apt-get install chromium); it never downloads a browser.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { parse as parseYaml } from 'yaml';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLiveChecks } from './e2e/liveChecks.mjs';
import { checkOrgViews } from './lib/e2eOrgViews.mjs';
import { MONOLITH_RELEASES, monolithEvents } from './e2e/monolith.mjs';
import { createTally, eventPoster } from './lib/e2eTally.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PORTAL = process.env.PORTAL_URL ?? 'http://localhost:3000';
const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const TOKEN = process.env.SHIPLOG_TOKEN ?? 'shiplog-dev-ci-token-0123456789';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const GITOPS_URL = process.env.GITOPS_URL ?? 'git://localhost:7011/gitops.git';
const RELEASES = MONOLITH_RELEASES;
const screenshots =
  process.env.E2E_SCREENSHOTS ?? join(root, 'docs/screenshots');

const tally = createTally();
const { check, failures } = tally;
const post = eventPoster(BACKEND, TOKEN);

/** 2,000 releases, each built and published; 10,000 deployments across four environments. */
async function seedMonolith() {
  const { events, deployments } = monolithEvents();
  for (let i = 0; i < events.length; i += 500)
    await post(events.slice(i, i + 500));
  return { events: events.length, deployments, environments: 4 };
}

/** Clicks the entity page's Deployments tab and waits for the environment matrix. */
async function openDeploymentsTab(page) {
  await page.getByText('Deployments', { exact: true }).first().click();
  await page
    .getByText('Environments', { exact: true })
    .first()
    .waitFor({ timeout: 60_000 });
}

/** A guest user's token, as the demo portal's sign-in page gets it. */
async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

const serviceTemplate = () =>
  parseYaml(
    readFileSync(join(root, 'templates/new-service/template.yaml'), 'utf8'),
  );

/**
 * Dry runs of the service template through the scaffolder's API, as the template editor does them,
 * and checks of the generated files: the Dockerfile, the CI, values files with image.tag and the
 * catalog-info.yaml annotations (with {{environment}} left for Shiplog, not eaten by templating).
 */
async function checkTemplateDryRun() {
  const token = await guestToken();
  const dryRun = async (values, template = serviceTemplate()) => {
    const res = await fetch(`${BACKEND}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        template,
        values,
        secrets: {},
        directoryContents: [],
      }),
      signal: AbortSignal.timeout(120_000),
    });
    const body = await res.json();
    const files = Object.fromEntries(
      (body.directoryContents ?? []).map(file => [
        file.path,
        Buffer.from(file.base64Content, 'base64').toString('utf8'),
      ]),
    );
    return { status: res.status, body, files };
  };
  const common = {
    owner: 'group:default/team-shop',
    environments: ['dev', 'stage', 'prod'],
  };

  const inRepository = await dryRun({
    ...common,
    name: 'dryrun-orders',
    runtime: 'go',
    ci: 'github-actions',
    registry: 'ghcr',
    gitopsLayout: 'in-repository',
    repoUrl: 'github.com?owner=acme&repo=dryrun-orders',
  });
  const { files } = inRepository;
  const chart = 'service/deploy/charts/dryrun-orders';
  check(
    inRepository.status === 200 &&
      [
        'service/Dockerfile',
        'service/.github/workflows/ci.yaml',
        'service/ci/shiplog-event.sh',
        `${chart}/values-prod.yaml`,
        'service/deploy/argocd/dryrun-orders-prod.yaml',
        'service/catalog-info.yaml',
      ].every(path => files[path]),
    `template dry run (go, ghcr, GitHub Actions): ${
      Object.keys(files).length
    } files generated (HTTP ${inRepository.status}${
      inRepository.status === 200
        ? ''
        : `: ${JSON.stringify(inRepository.body).slice(0, 600)}`
    })`,
  );
  const values = files[`${chart}/values-prod.yaml`];
  check(
    values && parseYaml(values).image?.tag === '0.1.0',
    'template dry run: values-prod.yaml sets image.tag to the first version, 0.1.0',
  );
  const workflow = parseYaml(
    files['service/.github/workflows/ci.yaml'] ?? '{}',
  );
  check(
    files['service/Dockerfile']?.includes('USER 10001') &&
      workflow.jobs?.build?.permissions?.packages === 'write',
    'template dry run: non-root Dockerfile and a workflow that pushes to GHCR',
  );
  const annotations =
    parseYaml(files['service/catalog-info.yaml'] ?? '{}')?.metadata
      ?.annotations ?? {};
  check(
    annotations['shiplog.dev/values-path'] ===
      'deploy/charts/dryrun-orders/values-{{environment}}.yaml' &&
      annotations['shiplog.dev/image'] === 'ghcr.io/acme/dryrun-orders' &&
      annotations['github.com/project-slug'] === 'acme/dryrun-orders',
    'template dry run: catalog-info.yaml carries the Shiplog and Argo CD annotations',
  );

  // The protected default branch and the no-deploy-to-<env> labels (steps publish and labels).
  // The scaffolder's log lines carry the logger's colour codes ("\x1b[32minfo\x1b[39m: Running ...").
  const messages = (inRepository.body.log ?? []).map(entry =>
    (entry.body?.message ?? '').replace(/\x1b\[[0-9;]*m/g, ''),
  );
  const publishRun = messages.find(message =>
    message.includes('Running publish:github in dry-run mode'),
  );
  const publishInput = publishRun
    ? JSON.parse(publishRun.slice(publishRun.indexOf('{')))
    : {};
  check(
    publishInput.protectDefaultBranch === true &&
      publishInput.requiredApprovingReviewCount === 1 &&
      publishInput.requiredStatusCheckContexts?.join() === 'test',
    'template dry run: publish:github protects main (the CI check "test", one approving review)',
  );
  check(
    messages.some(message =>
      message.includes(
        'would create no-deploy-to-dev, no-deploy-to-stage, no-deploy-to-prod in acme/dryrun-orders',
      ),
    ),
    'template dry run: shiplog:github:deploy-labels creates no-deploy-to-dev, -stage and -prod',
  );

  // publish:github:pull-request dry-runs against GitHub itself (the demo has no GitHub token), so
  // this variant runs the template's own Shiplog steps only.
  const shiplogSteps = serviceTemplate();
  shiplogSteps.spec.steps = shiplogSteps.spec.steps.filter(step =>
    step.action.startsWith('shiplog:'),
  );
  shiplogSteps.spec.output = {};
  const separate = await dryRun(
    {
      ...common,
      name: 'dryrun-ledger',
      runtime: 'java',
      ci: 'jenkins',
      registry: 'ecr',
      image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/dryrun-ledger',
      awsRoleArn: 'arn:aws:iam::123456789012:role/ci-publisher',
      gitopsLayout: 'separate-repository',
      gitopsRepo: 'github.com?owner=acme&repo=gitops',
      repoUrl: 'github.com?owner=acme&repo=dryrun-ledger',
    },
    shiplogSteps,
  );
  const application = parseYaml(
    separate.files['gitops/argocd/dryrun-ledger-prod.yaml'] ?? '{}',
  );
  check(
    separate.status === 200 &&
      separate.files['service/Jenkinsfile'] &&
      separate.files['gitops/charts/dryrun-ledger/values-dev.yaml'] &&
      application.spec?.source?.repoURL === 'https://github.com/acme/gitops' &&
      !application.spec?.syncPolicy?.automated,
    'template dry run (java, ECR, Jenkins, separate GitOps repository): Jenkinsfile, values and a manually synced prod Application',
  );
}

/**
 * The same template in the portal's template editor: loaded as a local directory (a real directory
 * handle from the browser's origin-private file system stands in for the directory picker, which
 * headless Chromium cannot show), the form filled in, and a dry run whose files are shown.
 */
async function checkTemplateEditor(context) {
  // The signed-in context of the Deployments checks, in a wider window for the editor's three panes.
  const page = await context.newPage();
  await page.setViewportSize({ width: 1600, height: 1100 });
  try {
    await page.addInitScript(templateYaml => {
      window.showDirectoryPicker = async () => {
        const origin = await navigator.storage.getDirectory();
        const directory = await origin.getDirectoryHandle('new-service', {
          create: true,
        });
        const file = await directory.getFileHandle('template.yaml', {
          create: true,
        });
        const writable = await file.createWritable();
        await writable.write(templateYaml);
        await writable.close();
        return directory;
      };
    }, readFileSync(join(root, 'templates/new-service/template.yaml'), 'utf8'));
    await page.goto(`${PORTAL}/create/edit`, {
      waitUntil: 'networkidle',
      timeout: 120_000,
    });
    await page.getByText('Load Template Directory').click();
    const name = page.getByLabel('Name').first();
    await name.waitFor({ timeout: 60_000 });
    await name.fill('dryrun-demo');
    const owner = page.getByLabel('Owner').first();
    await owner.click();
    await owner.fill('team-shop');
    await page
      .getByRole('option', { name: /team-shop/ })
      .first()
      .click({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    // RepoUrlPicker's owner and repository are free-text comboboxes: Enter commits the text.
    const repository = page.locator('form input[type=text]');
    await repository.nth(0).pressSequentially('acme');
    await repository.nth(0).press('Enter');
    await repository.nth(1).pressSequentially('dryrun-demo');
    await repository.nth(1).press('Enter');
    await repository.nth(1).press('Tab');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Dry-run results').waitFor({ timeout: 120_000 });
    // The generated files' tree: open catalog-info.yaml to show its annotations.
    const catalogInfo = page.getByRole('treeitem', {
      name: 'catalog-info.yaml',
      exact: true,
    });
    if (!(await catalogInfo.isVisible())) {
      await page
        .getByRole('treeitem', { name: /^service/ })
        .first()
        .click();
    }
    await catalogInfo.click();
    check(
      await page
        .getByText('shiplog.dev/values-path')
        .first()
        .waitFor({ timeout: 30_000 })
        .then(
          () => true,
          () => false,
        ),
      "template editor: a dry run shows the generated files (catalog-info.yaml with Shiplog's annotations)",
    );
    await page.screenshot({
      path: join(screenshots, 'scaffolder-dryrun.png'),
    });
  } finally {
    await page.close();
  }
}

/**
 * Live Argo CD state and a manual production sync, for real: a GitOps commit (as a merged promotion would
 * make) puts prod OutOfSync in the simulator; the tab shows what Git declares against what runs; Sync, as
 * the signed-in guest, rolls it out, and the ledger records the guest as the deployer.
 */
async function checkArgoCdSync(page) {
  const prodApp = page.getByTestId('argocd-checkout-prod');
  const shown = await prodApp.waitFor({ timeout: 60_000 }).then(
    () => true,
    () => false,
  );
  check(shown, 'checkout: live Argo CD state is shown in the prod column');
  if (!shown) return;
  const work = mkdtempSync(join(tmpdir(), 'shiplog-e2e-push-'));
  const git = (...args) =>
    execFileSync('git', args, {
      cwd: work,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'e2e',
        GIT_AUTHOR_EMAIL: 'e2e@shiplog.localhost',
        GIT_COMMITTER_NAME: 'e2e',
        GIT_COMMITTER_EMAIL: 'e2e@shiplog.localhost',
      },
      encoding: 'utf8',
    });
  let target;
  try {
    git('clone', '--quiet', GITOPS_URL, '.');
    const tagOf = file =>
      /^\s*tag:\s*"?([^"\s#]+)/m.exec(
        readFileSync(join(work, file), 'utf8'),
      )?.[1];
    target = tagOf('charts/checkout/values-stage.yaml');
    const prodFile = 'charts/checkout/values-prod.yaml';
    const running = tagOf(prodFile);
    if (!target || target === running) {
      check(
        false,
        `checkout: stage and prod differ in Git (stage ${target}, prod ${running})`,
      );
      return;
    }
    writeFileSync(
      join(work, prodFile),
      readFileSync(join(work, prodFile), 'utf8').replace(
        /^(\s*tag:\s*)"?[^"\s#]+"?/m,
        `$1${target}`,
      ),
    );
    git('commit', '--quiet', '-am', `promote checkout ${target} to prod`);
    git('push', '--quiet', 'origin', 'HEAD:main');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const drift = prodApp.getByText(`Git declares ${target}`);
  check(
    await drift.waitFor({ timeout: 60_000 }).then(
      () => true,
      () => false,
    ),
    `checkout: prod is OutOfSync with Git declaring ${target}`,
  );
  await prodApp.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'argocd-out-of-sync.png') });
  await page.getByRole('button', { name: 'Sync checkout-prod' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  const synced = await page
    .waitForFunction(
      version => {
        const app = document.querySelector(
          '[data-testid="argocd-checkout-prod"]',
        );
        const text = app?.textContent ?? '';
        return (
          text.includes('Synced') &&
          text.includes('Healthy') &&
          text.includes(`:${version}`) &&
          !text.includes('Git declares')
        );
      },
      target,
      { timeout: 90_000 },
    )
    .then(
      () => true,
      () => false,
    );
  check(synced, `checkout: Sync rolls prod out to ${target} (Synced, Healthy)`);
  const matrixUpdated = await page
    .waitForFunction(
      version =>
        document
          .querySelector('[data-testid="environment-prod"] h5')
          ?.textContent?.trim() === version,
      target,
      { timeout: 30_000 },
    )
    .then(
      () => true,
      () => false,
    );
  check(
    matrixUpdated,
    `checkout: the matrix shows ${target} in prod without a reload`,
  );
  const history = await fetch(
    `${BACKEND}/api/shiplog/v1/entities/component/default/checkout/deployments?environment=prod&limit=1`,
    { headers: { authorization: `Bearer ${TOKEN}` } },
  ).then(res => res.json());
  const latest = history.items?.[0];
  check(
    latest?.version === target && latest?.actor === 'user:default/guest',
    `checkout: the ledger records the prod sync of ${target} by the guest (got ${latest?.version} by ${latest?.actor}, ${latest?.status})`,
  );
  await page.screenshot({ path: join(screenshots, 'argocd-synced.png') });
}

/**
 * A promotion in the demo, for real: from payments' prod column, Promote the version stage runs; Shiplog
 * commits the values change to the demo GitOps repository; prod (manual sync) goes OutOfSync in the
 * simulator; Sync rolls it out, and the promotion is tracked to "deployed".
 */
async function checkPromotion(page) {
  await page.goto(`${PORTAL}/catalog/default/component/payments/deployments`, {
    waitUntil: 'networkidle',
    timeout: 120_000,
  });
  const prodColumn = page.getByTestId('environment-prod');
  await prodColumn.waitFor({ timeout: 60_000 });
  await prodColumn
    .getByRole('button', { name: 'Promote', exact: true })
    .click();
  const confirm = page.getByRole('button', { name: /^Promote \S+ to prod$/ });
  const enabled = await page
    .waitForFunction(
      () =>
        [...document.querySelectorAll('button')].some(
          b =>
            /^Promote \S+ to prod$/.test(b.textContent?.trim() ?? '') &&
            !b.disabled,
        ),
      undefined,
      { timeout: 60_000 },
    )
    .then(
      () => true,
      () => false,
    );
  check(
    enabled,
    'payments: the Promote dialog shows every guard and allows the stage version to prod',
  );
  if (!enabled) return;
  const version = (await confirm.textContent()).trim().split(' ')[1];
  await page.screenshot({ path: join(screenshots, 'promotion-dialog.png') });
  await confirm.click();
  const promotions = async () => {
    const res = await fetch(
      `${BACKEND}/api/shiplog/v1/entities/component/default/payments/promotions`,
      { headers: { authorization: `Bearer ${TOKEN}` } },
    );
    const body = await res.json();
    return (body.items ?? []).find(
      p => p.environment === 'prod' && p.version === version,
    );
  };
  const waitForState = async (states, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    let promotion;
    while (Date.now() < deadline) {
      promotion = await promotions().catch(() => undefined);
      if (promotion && states.includes(promotion.state)) return promotion;
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
    return promotion;
  };
  const merged = await waitForState(['merged', 'synced', 'deployed'], 60_000);
  check(
    ['merged', 'synced', 'deployed'].includes(merged?.state),
    `payments: promoting ${version} to prod commits the values change (state ${merged?.state})`,
  );
  const prodApp = page.getByTestId('argocd-payments-prod');
  const outOfSync = await prodApp
    .getByText(`Git declares ${version}`)
    .waitFor({ timeout: 60_000 })
    .then(
      () => true,
      () => false,
    );
  check(
    outOfSync,
    `payments: Argo CD shows prod OutOfSync with ${version} declared`,
  );
  if (!outOfSync) return;
  await page.getByRole('button', { name: 'Sync payments-prod' }).click();
  await page.getByRole('button', { name: 'Sync now' }).click();
  const deployed = await waitForState(['deployed', 'failed'], 90_000);
  check(
    deployed?.state === 'deployed',
    `payments: the promotion of ${version} to prod is tracked to deployed (state ${deployed?.state})`,
  );
  await page.waitForTimeout(11_000);
  await prodColumn.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(screenshots, 'promotion-deployed.png') });
}

async function main() {
  if (!existsSync(CHROMIUM)) {
    console.log(
      `e2e skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
    );
    return;
  }
  mkdirSync(screenshots, { recursive: true });
  const seeded = await seedMonolith();
  console.log(
    `seeded monolith: ${seeded.events} events (${RELEASES} releases, ${seeded.deployments} deployments)`,
  );

  // A failure here is one failed check, not the end of the run.
  await checkTemplateDryRun().catch(error =>
    check(false, `template dry run: ${error.message}`),
  );

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
    // A context of our own, so that the template editor check can open a second page signed in alike.
    const context = await browser.newContext({
      viewport: { width: 1400, height: 1000 },
    });
    const page = await context.newPage();
    await page.goto(`${PORTAL}/catalog/default/component/checkout`, {
      waitUntil: 'networkidle',
      timeout: 120_000,
    });
    const guest = page.getByRole('button', { name: /^enter$/i });
    try {
      await guest.first().waitFor({ timeout: 20_000 });
      await guest.first().click();
    } catch {
      // Already signed in, or a sign-in page of another kind: the next wait says which.
    }
    await page
      .getByText('Deployments', { exact: true })
      .first()
      .waitFor({ timeout: 60_000 });

    // The tab's code is loaded only when the tab opens: measure what it fetches.
    const scripts = [];
    page.on('response', async response => {
      if (response.request().resourceType() === 'script') {
        const body = await response.body().catch(() => Buffer.alloc(0));
        scripts.push({ url: response.url(), bytes: body.length });
      }
    });
    await openDeploymentsTab(page);
    await page
      .getByText(/is \d+ releases? \/ \d+ commits? behind stage/)
      .first()
      .waitFor({ timeout: 30_000 });
    check(
      (await page
        .getByText(/prod is \d+ releases \/ \d+ commits behind stage/)
        .count()) > 0,
      'checkout: prod drift behind stage is shown',
    );
    check(
      (await page.getByText('rolled back').count()) > 0,
      'checkout: the production rollback is shown',
    );
    check(
      (await page
        .getByText(/commits? merged but not deployed anywhere/)
        .count()) > 0,
      'checkout: undeployed commits are shown',
    );
    await page.waitForLoadState('networkidle');
    const chunkBytes = scripts.reduce((sum, s) => sum + s.bytes, 0);
    console.log(
      `lazy code loaded when the tab opened: ${scripts.length} script(s), ${(
        chunkBytes / 1024
      ).toFixed(0)} KiB uncompressed, as served by ${PORTAL}`,
    );
    await page.screenshot({ path: join(screenshots, 'deployments-tab.png') });

    await page.getByText('Deployment history').first().scrollIntoViewIfNeeded();
    // The history, filtered to prod, shows the demo's rollback.
    // Material UI's select trigger; the first on the page is the history's environment filter.
    const environmentFilter = page.locator('[aria-haspopup="listbox"]').first();
    await environmentFilter.click();
    await page.getByRole('option', { name: 'prod', exact: true }).click();
    const rollbackChip = page.getByText('rollback', { exact: true });
    check(
      await rollbackChip
        .first()
        .waitFor({ timeout: 15_000 })
        .then(
          () => true,
          () => false,
        ),
      'checkout: the history filtered to prod shows the rollback',
    );
    await environmentFilter.click();
    await page.getByRole('option', { name: 'All', exact: true }).click();
    await page.getByText('Deployment history').first().scrollIntoViewIfNeeded();
    const newer = page.getByRole('button', { name: 'Newer', exact: true });
    const newerBefore = await newer.isEnabled();
    await page.getByRole('button', { name: 'Older', exact: true }).click();
    await newer.waitFor();
    await page
      .waitForFunction(
        () => {
          const button = [...document.querySelectorAll('button')].find(
            b => b.textContent?.trim() === 'Newer',
          );
          return button && !button.disabled;
        },
        undefined,
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    check(
      !newerBefore && (await newer.isEnabled()),
      'checkout: history pages to older deployments and back is offered',
    );
    await page.screenshot({
      path: join(screenshots, 'deployments-history.png'),
    });

    await checkArgoCdSync(page);

    // System shop and Group team-shop: their Deployments tab, DORA card, overview card, catalog columns.
    await checkOrgViews({
      page,
      portal: PORTAL,
      backend: BACKEND,
      token: await guestToken(),
      check,
      screenshots,
    });

    // First view of a large history: from clicking the tab (app already loaded, as a user does) to the
    // matrix and the first page of releases on screen.
    const timings = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${PORTAL}/catalog/default/component/monolith`, {
        waitUntil: 'networkidle',
        timeout: 120_000,
      });
      await page
        .getByText('Deployments', { exact: true })
        .first()
        .waitFor({ timeout: 60_000 });
      const started = Date.now();
      await openDeploymentsTab(page);
      await page
        .getByRole('button', { name: 'Older releases' })
        .waitFor({ timeout: 60_000 });
      timings.push(Date.now() - started);
    }
    const best = Math.min(...timings);
    console.log(
      `monolith (${RELEASES} releases, ${
        seeded.deployments
      } deployments): first view in ${timings.join(
        ' / ',
      )} ms from the click on the tab`,
    );
    if (process.env.E2E_NO_PERF_CHECK) {
      // In CI the figure is reported, not asserted: the development build on a shared 2-core machine
      // makes the time too noisy for a pass/fail line.
      console.log(
        `info monolith first view: best ${best} ms (target under 1 s; reported, not asserted)`,
      );
    } else {
      check(best < 1000, `monolith first view under 1 s (best ${best} ms)`);
    }
    await page.screenshot({
      path: join(screenshots, 'deployments-monolith.png'),
    });

    await checkPromotion(page).catch(error =>
      check(false, `promotion: ${error.message.split('\n')[0]}`),
    );

    await runLiveChecks(page, {
      check,
      post,
      portal: PORTAL,
      backend: BACKEND,
      token: TOKEN,
      screenshots,
    });

    await checkTemplateEditor(context).catch(error =>
      check(false, `template editor dry run: ${error.message.split('\n')[0]}`),
    );
  } finally {
    await browser.close();
  }
  console.log(
    failures.length
      ? `${failures.length} e2e check(s) failed`
      : 'all e2e checks passed',
  );
  if (process.env.E2E_RESULTS) {
    writeFileSync(
      process.env.E2E_RESULTS,
      JSON.stringify({
        passed: tally.checks - failures.length,
        failed: failures.length,
        failures,
      }),
    );
  }
  if (failures.length) process.exitCode = 1;
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
