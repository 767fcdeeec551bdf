// End-to-end checks of what happens while a user looks: the tab updating itself (an ingested event,
// an Argo CD sync done in the simulator), a release's Slack thread in the stand-in, a notification in
// the portal's bell, and the safety net in the browser (a rollback with its hold, an approval).
import { join } from 'node:path';
import { profilePage, shownAt } from './timeline.mjs';

/**
 * Milliseconds from `started` (epoch ms, default now) until `fn` (run in the page on every DOM change)
 * returns true; undefined when it does not within `timeoutMs`.
 */
async function timeUntil(
  page,
  fn,
  arg,
  started = Date.now(),
  timeoutMs = 30_000,
) {
  const at = await shownAt(page, fn, arg, timeoutMs).catch(() => undefined);
  return at === undefined ? undefined : at - started;
}

/** The matrix column's version (its heading). */
const columnShows = ([environment, version]) =>
  document
    .querySelector(`[data-testid="environment-${environment}"] h5`)
    ?.textContent?.trim() === version;

/** The next patch version after what runs in `environment`. */
async function nextPatch(ctx, component, environment) {
  const body = await ctx.api(
    `/entities/component/default/${component}/environments`,
  );
  const running = body.environments.find(e => e.name === environment)?.current
    ?.version;
  const [major, minor, patch] = (running ?? '0.0.0').split(/[.-]/).map(Number);
  return `${major}.${minor}.${patch + 1 + Math.floor(Math.random() * 50)}`;
}

/** A release built, published and deployed to an environment, as CI would report it. */
function releaseEvents(component, version, environment, status) {
  const sha = Buffer.from(`${component}${version}`)
    .toString('hex')
    .padEnd(40, '0')
    .slice(0, 40);
  const at = new Date().toISOString();
  const id = `e2e-live-${component}-${version}`;
  const entityRef = `component:default/${component}`;
  return [
    {
      id: `${id}-build`,
      entityRef,
      type: 'build',
      status: 'succeeded',
      version,
      commitSha: sha,
      occurredAt: at,
      commits: [
        {
          sha,
          message: `feat: live update check (#${version.split('.')[2]})`,
          author: 'e2e',
          pullRequest: { number: 900, labels: ['feature'] },
        },
      ],
    },
    {
      id: `${id}-publish`,
      entityRef,
      type: 'publish',
      status: 'succeeded',
      version,
      image: { repository: `ghcr.io/acme/${component}`, tag: version },
      occurredAt: at,
    },
    {
      id: `${id}-deploy-${environment}-${status}`,
      entityRef,
      type: 'deploy',
      status,
      version,
      environment,
      occurredAt: at,
    },
  ];
}

/** Live update on an ingested event, then the release's thread in the Slack stand-in. */
export async function checkLiveIngest(page, ctx) {
  await ctx.openTab(page, 'storefront');
  await page.getByTestId('environment-dev').waitFor({ timeout: 60_000 });
  const version = await nextPatch(ctx, 'storefront', 'dev');
  // Let the tab settle (its first fetches done) so only the signal can bring the change.
  await page.waitForLoadState('networkidle');
  const profiled = await profilePage(page);
  const since = Date.now();
  const posted = ctx.post(
    releaseEvents('storefront', version, 'dev', 'succeeded'),
  );
  const ms = await timeUntil(page, columnShows, ['dev', version], since);
  await posted;
  await profiled('the live update on ingest');
  await ctx.timing(
    ms,
    `storefront: the tab shows ${version} in dev after the event is ingested, without a reload`,
    since,
    page,
  );
  await checkSlackThread(page.context(), ctx, 'storefront', version);
  return version;
}

/** The release's parent message with its stage replies in the stand-in, and its page's screenshot. */
async function checkSlackThread(context, ctx, component, version) {
  const deadline = Date.now() + 30_000;
  let thread;
  while (Date.now() < deadline && !(thread?.replies >= 3)) {
    const state = await fetch(`${ctx.slackUrl}/_sim/state`).then(r => r.json());
    const messages = state.channels.flatMap(c => c.messages);
    const parent = messages.find(
      m =>
        (!m.thread_ts || m.thread_ts === m.ts) &&
        m.text.includes(component) &&
        m.text.includes(version),
    );
    thread = parent && {
      parent,
      replies: messages.filter(
        m => m.thread_ts === parent.ts && m.ts !== parent.ts,
      ).length,
    };
    if (!(thread?.replies >= 3)) await new Promise(r => setTimeout(r, 500));
  }
  ctx.check(
    thread?.replies >= 3,
    `slack: ${component} ${version} has one parent message with its build, publish and deploy replies in its thread (${
      thread?.replies ?? 0
    } replies)`,
  );
  const slackPage = await context.newPage();
  try {
    await slackPage.goto(`${ctx.slackUrl}/`, { waitUntil: 'load' });
    await slackPage.screenshot({
      path: join(ctx.screenshots, 'slack-thread.png'),
    });
  } finally {
    await slackPage.close();
    await context.pages()[0]?.bringToFront();
  }
}

/** A failed deploy reaches the guest (a member of the owning team) in the portal's notifications. */
export async function checkBell(page, ctx, version) {
  await ctx.post(releaseEvents('storefront', version, 'stage', 'failed'));
  const title = `storefront ${version} failed to deploy to stage`;
  // The page also updates itself on the notifications signal, but what is checked here is delivery to the
  // guest: a missed signal is the signals plugin's, so the page is reloaded while waiting.
  let shown = false;
  const deadline = Date.now() + 90_000;
  while (!shown && Date.now() < deadline) {
    await page.goto(`${ctx.portal}/notifications`, {
      waitUntil: 'networkidle',
    });
    shown = await page
      .getByText(title)
      .first()
      .waitFor({ timeout: 15_000 })
      .then(
        () => true,
        () => false,
      );
  }
  ctx.check(shown, `notifications: the bell's page shows "${title}"`);
  await page.screenshot({ path: join(ctx.screenshots, 'notifications.png') });
}

/** A session token of the simulated production Argo CD (a local user, as Argo CD's CLI logs in). */
async function argoProdToken(ctx) {
  const res = await fetch(`${ctx.argoProdUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ctx.argoProdLogin),
  });
  return (await res.json()).token;
}

/** A sync started in Argo CD itself (not through Shiplog) shows on the open tab through the watch stream. */
export async function checkArgoCdWatch(page, ctx) {
  await ctx.openTab(page, 'storefront');
  const app = page.getByTestId('argocd-storefront-prod');
  await app.waitFor({ timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  const token = await argoProdToken(ctx);
  const profiled = await profilePage(page);
  const since = Date.now();
  const res = await fetch(
    `${ctx.argoProdUrl}/api/v1/applications/storefront-prod/sync`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: '{}',
    },
  );
  const ms = await timeUntil(
    page,
    () => {
      const text =
        document.querySelector('[data-testid="argocd-storefront-prod"]')
          ?.textContent ?? '';
      return /syncing|Progressing/.test(text);
    },
    undefined,
    since,
  );
  await profiled('the live update on an Argo CD sync');
  ctx.check(
    res.ok,
    `argocd: the simulator accepted a sync of storefront-prod (${res.status})`,
  );
  await ctx.timing(
    ms,
    'storefront: a sync started in Argo CD shows on the open tab (watch stream, signal), without a reload',
    since,
    page,
  );
}

/** Rolls storefront's stage back to the version it ran before, from the Promote dialog, with a hold. */
export async function checkRollbackWithHold(page, ctx) {
  await ctx.openTab(page, 'storefront');
  const history = await ctx.api(
    '/entities/component/default/storefront/deployments?environment=stage&limit=50',
  );
  const succeeded = history.items.filter(d => d.status === 'succeeded');
  const running = succeeded[0]?.version;
  const earlier = succeeded.find(d => d.version !== running)?.version;
  if (!earlier) {
    ctx.check(
      false,
      'storefront: stage ran an earlier version to roll back to',
    );
    return;
  }
  const stage = page.getByTestId('environment-stage');
  await stage.getByRole('button', { name: 'Promote', exact: true }).click();
  await page.getByLabel('Rollback (allow an older version)').check();
  await page.getByTestId('promote-version').locator('..').click();
  await page.getByRole('option', { name: earlier, exact: true }).click();
  await page
    .getByLabel('Reason (required for a rollback)')
    .fill(`e2e: ${running} misbehaves in stage`);
  const confirm = page.getByRole('button', {
    name: `Roll back ${earlier} to stage`,
  });
  await confirm.waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    name =>
      [...document.querySelectorAll('button')].some(
        b => b.textContent?.trim() === name && !b.disabled,
      ),
    `Roll back ${earlier} to stage`,
    { timeout: 30_000 },
  );
  await page.screenshot({ path: join(ctx.screenshots, 'rollback-dialog.png') });
  await confirm.click();
  const held = await page
    .getByTestId('hold-stage')
    .waitFor({ timeout: 30_000 })
    .then(
      () => true,
      () => false,
    );
  ctx.check(
    held,
    `storefront: rolling stage back to ${earlier} holds stage (shown on the matrix)`,
  );
  const promotions = await ctx.api(
    '/entities/component/default/storefront/promotions',
  );
  const rollback = promotions.items.find(
    p => p.environment === 'stage' && p.version === earlier,
  );
  ctx.check(
    rollback?.rollback === true && rollback.state !== 'refused',
    `storefront: the rollback to ${earlier} is recorded as a rollback (state ${rollback?.state})`,
  );
  await stage.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ctx.screenshots, 'hold.png') });
}

/**
 * An auto-promotion into qa (which needs an approval in this portal's config) waits for another user;
 * the guest approves it in the Promotions card and it goes on.
 */
export async function checkApproval(page, ctx) {
  const version = await nextPatch(ctx, 'inventory', 'dev');
  await ctx.post(releaseEvents('inventory', version, 'dev', 'succeeded'));
  const find = async () =>
    (
      await ctx.api('/entities/component/default/inventory/promotions')
    ).items.find(p => p.environment === 'qa' && p.version === version);
  const deadline = Date.now() + 60_000;
  let promotion = await find();
  while (Date.now() < deadline && promotion?.state !== 'awaiting-approval') {
    await new Promise(r => setTimeout(r, 1000));
    promotion = await find();
  }
  ctx.check(
    promotion?.state === 'awaiting-approval',
    `inventory: the auto-promotion of ${version} to qa awaits approval (state ${promotion?.state})`,
  );
  if (promotion?.state !== 'awaiting-approval') return;
  await ctx.openTab(page, 'inventory');
  const approve = page.getByRole('button', { name: 'Approve', exact: true });
  await approve.first().waitFor({ timeout: 30_000 });
  await approve.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ctx.screenshots, 'approval.png') });
  await approve.first().click();
  const decidedBy = async () => (await find())?.review;
  let review;
  for (let i = 0; i < 30 && !review; i++) {
    review = await decidedBy();
    if (!review) await new Promise(r => setTimeout(r, 500));
  }
  const after = await find();
  ctx.check(
    review?.by === 'user:default/guest' &&
      after?.state !== 'awaiting-approval' &&
      after?.state !== 'rejected',
    `inventory: the guest approves ${version} to qa in the browser and it goes on (state ${after?.state}, by ${review?.by})`,
  );
}
