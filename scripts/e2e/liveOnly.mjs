#!/usr/bin/env node
// Only the live checks (scripts/e2e/live.mjs) against a running portal, for working on them without the
// whole end-to-end run: `node scripts/shiplog.mjs e2e-only live` starts a portal and runs this.
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runLiveChecks } from './liveChecks.mjs';
import { createTally, eventPoster } from '../lib/e2eTally.mjs';

const PORTAL = process.env.PORTAL_URL ?? 'http://localhost:3000';
const BACKEND = process.env.BACKEND_URL ?? 'http://localhost:7007';
const TOKEN = process.env.SHIPLOG_TOKEN ?? 'shiplog-dev-ci-token-0123456789';
const screenshots = process.env.E2E_SCREENSHOTS ?? 'docs/screenshots';

const tally = createTally();
const { check, failures } = tally;
const post = eventPoster(BACKEND, TOKEN);

mkdirSync(screenshots, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
try {
  const page = await (
    await browser.newContext({ viewport: { width: 1400, height: 1000 } })
  ).newPage();
  await page.goto(`${PORTAL}/catalog/default/component/checkout`, {
    waitUntil: 'networkidle',
    timeout: 120_000,
  });
  // The guest sign-in, as scripts/e2e.mjs does it; the development build may take a while to load.
  const guest = page.getByRole('button', { name: /^enter$/i });
  await guest.first().waitFor({ timeout: 90_000 });
  await guest.first().click();
  await page
    .getByText('Deployments', { exact: true })
    .first()
    .waitFor({ timeout: 60_000 });
  await runLiveChecks(page, {
    check,
    post,
    portal: PORTAL,
    backend: BACKEND,
    token: TOKEN,
    screenshots,
  });
} finally {
  await browser.close();
}
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
