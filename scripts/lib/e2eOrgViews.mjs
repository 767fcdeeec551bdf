// End-to-end checks of the org views on the demo: System `shop` and Group `team-shop` show their
// Deployments tab (components × environments, sorting, filtering, links), the DORA card with its
// charts, the overview card, and the catalog table shows the version columns. Called by scripts/e2e.mjs
// with a signed-in page.
import { join } from 'node:path';

const TEAM_SHOP = ['checkout', 'inventory', 'payments', 'storefront'];

/** The component names in the rollup table's rows, top to bottom. */
async function rowNames(page) {
  return page
    .locator(
      'table[aria-label^="Deployments across"] tbody tr td:first-child a',
    )
    .allTextContents();
}

async function waitForText(page, text, timeout = 60_000) {
  return page
    .getByText(text)
    .first()
    .waitFor({ timeout })
    .then(
      () => true,
      () => false,
    );
}

/** The API behind the tab: team-shop's components with child groups', shop's DORA in prod. */
async function checkApi({ backend, token, check }) {
  const get = async path => {
    const res = await fetch(`${backend}/api/shiplog/v1/entities/${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: await res.json() };
  };
  const team = await get('group/default/team-shop/rollup');
  const names = (team.body.components ?? []).map(c =>
    c.entityRef.replace('component:default/', ''),
  );
  check(
    team.status === 200 && TEAM_SHOP.every(name => names.includes(name)),
    `org views: team-shop's rollup lists its components (${names.join(', ')})`,
  );
  check(
    (team.body.components ?? []).some(c => c.failing),
    "org views: team-shop's rollup shows a failing component",
  );
  const dora = await get('system/default/shop/dora');
  check(
    dora.status === 200 &&
      dora.body.environment === 'prod' &&
      dora.body.deploymentFrequency.deployments > 0 &&
      dora.body.leadTime.samples > 0,
    `org views: shop's DORA over 30 days in prod (HTTP ${dora.status}, ${dora.body.deploymentFrequency?.deployments} deployments, lead time median ${dora.body.leadTime?.medianSeconds} s)`,
  );
}

/** A System's or Group's tab: rows, the DORA card with charts and the report cited. */
async function checkTab({ page, portal, check, kind, name, screenshots }) {
  await page.goto(`${portal}/catalog/default/${kind}/${name}/deployments`, {
    waitUntil: 'networkidle',
    timeout: 120_000,
  });
  const shown = await waitForText(page, `Deployments across ${name}`);
  await page
    .locator('table[aria-label^="Deployments across"] tbody tr')
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => undefined);
  const names = await rowNames(page);
  check(
    shown && TEAM_SHOP.every(c => names.includes(c)),
    `org views: ${kind} ${name}'s Deployments tab lists ${names.join(', ')}`,
  );
  const dora = await waitForText(page, 'Lead time for changes');
  // The charts load and draw once scrolled to (below a long table they would hold up its first view).
  await page
    .getByText('Lead time for changes')
    .first()
    .scrollIntoViewIfNeeded()
    .catch(() => undefined);
  await page
    .locator('.recharts-wrapper')
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => undefined);
  const charts = await page.locator('.recharts-wrapper').count();
  check(
    dora && charts >= 3,
    `org views: ${kind} ${name}'s DORA card shows its metrics and ${charts} weekly charts`,
  );
  check(
    (await page.getByText('Accelerate State of DevOps Report 2024').count()) >
      0,
    `org views: ${kind} ${name}'s DORA card cites the report of its performance levels`,
  );
  await page.screenshot({
    path: join(screenshots, `org-deployments-${name}.png`),
    fullPage: true,
  });
  await page
    .locator('.MuiCard-root')
    .filter({ hasText: 'Accelerate State of DevOps Report 2024' })
    .last()
    .screenshot({ path: join(screenshots, `org-dora-${name}.png`) })
    .catch(() => undefined);
  return names;
}

/** Sorting failing first, filtering by name, and the link to a component's own tab. */
async function checkSortFilterLink({ page, check }) {
  const sort = page.locator('#shiplog-rollup-sort');
  await sort.click();
  await page.getByRole('option', { name: 'Failing first' }).click();
  const failingFirst = await rowNames(page);
  const firstRow = page
    .locator('table[aria-label^="Deployments across"] tbody tr')
    .first();
  check(
    (await firstRow.getByText('failing', { exact: true }).count()) > 0,
    `org views: sorted failing first, ${failingFirst[0]} leads`,
  );
  await page.locator('#shiplog-rollup-filter').fill('pay');
  const filtered = await rowNames(page);
  check(
    filtered.length === 1 && filtered[0] === 'payments',
    `org views: the filter "pay" leaves ${filtered.join(', ')}`,
  );
  await page.locator('#shiplog-rollup-filter').fill('');
  await page
    .locator('table[aria-label^="Deployments across"]')
    .getByRole('link', { name: 'checkout', exact: true })
    .click();
  const reached = await page
    .waitForURL(/\/component\/checkout\/deployments$/, { timeout: 30_000 })
    .then(
      () => true,
      () => false,
    );
  check(
    reached,
    `org views: checkout's link opens its own tab (${page.url()})`,
  );
}

/** The overview card of a System and the catalog table's version columns. */
async function checkCardAndColumns({ page, portal, check, screenshots }) {
  await page.goto(`${portal}/catalog/default/system/shop`, {
    waitUntil: 'networkidle',
    timeout: 120_000,
  });
  check(
    await waitForText(page, 'Needs attention'),
    "org views: shop's overview card names the components needing attention",
  );
  await page.goto(`${portal}/?filters%5Bkind%5D=component`, {
    waitUntil: 'networkidle',
    timeout: 120_000,
  });
  const header = page.getByRole('columnheader', { name: 'prod', exact: true });
  const hasColumns = await header
    .first()
    .waitFor({ timeout: 60_000 })
    .then(
      () => true,
      () => false,
    );
  const row = page.getByRole('row').filter({ hasText: 'checkout' }).first();
  const version = await row
    .getByText(/^\d+\.\d+\.\d+$/)
    .first()
    .waitFor({ timeout: 30_000 })
    .then(
      () => true,
      () => false,
    );
  check(
    hasColumns && version,
    'org views: the catalog table shows a version per environment (checkout row)',
  );
  await page.screenshot({ path: join(screenshots, 'catalog-columns.png') });
}

/** All org views checks; each failure is one failed check, not the end of the run. */
export async function checkOrgViews({
  page,
  portal,
  backend,
  token,
  check,
  screenshots,
}) {
  const steps = [
    () => checkApi({ backend, token, check }),
    async () => {
      await checkTab({
        page,
        portal,
        check,
        kind: 'system',
        name: 'shop',
        screenshots,
      });
      await checkSortFilterLink({ page, check });
    },
    () =>
      checkTab({
        page,
        portal,
        check,
        kind: 'group',
        name: 'team-shop',
        screenshots,
      }),
    () => checkCardAndColumns({ page, portal, check, screenshots }),
  ];
  for (const step of steps) {
    await step().catch(error =>
      check(false, `org views: ${error.message.split('\n')[0]}`),
    );
  }
}
