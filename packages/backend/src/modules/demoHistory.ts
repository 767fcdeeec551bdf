import type { ReleaseEventInput } from '@shiplog/plugin-shiplog-common';
import { createHash } from 'node:crypto';

/**
 * A few months of believable release history for the demo components, as CI, the registry and
 * Argo CD would have reported it: builds (some failing), image pushes, GitHub releases with their
 * commits and pull requests, deploys through dev → qa → stage → prod, a production rollback, a
 * failed deploy, production drifting behind stage, a hotfix, and merged work that is not deployed yet.
 * Commits carry git's commit time, where DORA's lead time starts.
 *
 * Deterministic: the same `now` gives the same events, and event ids do not depend on `now`, so a
 * restart re-sends only duplicates.
 */

const DAY = 86_400_000;
const MINUTE = 60_000;

interface DemoComponent {
  name: string;
  firstVersion: [number, number, number];
  environments: string[];
  scenario: 'rollback' | 'prod-drift' | 'stage-failed' | 'steady';
}

export const DEMO_COMPONENTS: DemoComponent[] = [
  {
    name: 'checkout',
    firstVersion: [2, 0, 0],
    environments: ['dev', 'qa', 'stage', 'prod'],
    scenario: 'rollback',
  },
  {
    name: 'payments',
    firstVersion: [1, 4, 0],
    environments: ['dev', 'qa', 'stage', 'prod'],
    scenario: 'prod-drift',
  },
  {
    name: 'inventory',
    firstVersion: [0, 9, 0],
    environments: ['dev', 'qa', 'stage', 'prod'],
    scenario: 'stage-failed',
  },
  {
    name: 'storefront',
    firstVersion: [3, 1, 0],
    environments: ['dev', 'stage', 'prod'],
    scenario: 'steady',
  },
  {
    name: 'notifier',
    firstVersion: [1, 0, 0],
    environments: ['dev', 'qa', 'stage', 'prod'],
    scenario: 'steady',
  },
];

const LABEL_OF_TYPE: Record<string, string> = { feat: 'feature', fix: 'bug' };
const AUTHORS = ['ann', 'bilal', 'chen', 'dora', 'emeka', 'fatima', 'goran'];
const SUBJECTS: Array<[string, string]> = [
  ['feat', 'add saved carts'],
  ['feat', 'support partial refunds'],
  ['feat', 'expose order history API'],
  ['fix', 'round totals half-even'],
  ['fix', 'retry idempotent calls on 503'],
  ['fix', 'close DB connections on shutdown'],
  ['perf', 'cache tax rates for 5 minutes'],
  ['chore', 'bump base image'],
  ['chore(deps)', 'update express'],
  ['refactor', 'split pricing module'],
  ['docs', 'describe the retry policy'],
];

/** Small deterministic PRNG (mulberry32), so the demo is the same on every machine. */
function random(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const shaOf = (seed: string) => createHash('sha1').update(seed).digest('hex');
const iso = (ms: number) => new Date(ms).toISOString();

export function demoHistory(now: number = Date.now()): ReleaseEventInput[] {
  return DEMO_COMPONENTS.flatMap(component => componentHistory(component, now));
}

function componentHistory(
  component: DemoComponent,
  now: number,
): ReleaseEventInput[] {
  const { name } = component;
  const rand = random(name);
  const pick = <T>(items: T[]) => items[Math.floor(rand() * items.length)];
  const entityRef = `component:default/${name}`;
  const image = `ghcr.io/acme/${name}`;
  const events: ReleaseEventInput[] = [];
  let seq = 0;
  const add = (event: Omit<ReleaseEventInput, 'id' | 'entityRef'>) => {
    seq += 1;
    events.push({
      id: `demo:${name}:${seq}`,
      entityRef,
      source: 'demo',
      ...event,
    });
  };

  let [major, minor, patch] = component.firstVersion;
  let pr = 100;
  let commitCounter = 0;
  // Git's commit times (DORA's lead time starts there): a few hours apart, the last one before `at`.
  const makeCommits = (count: number, at: number, hotfix = false) =>
    Array.from({ length: count }, (_, index) => {
      commitCounter += 1;
      pr += 1;
      const [type, subject] = hotfix ? ['fix', 'hotfix'] : pick(SUBJECTS);
      const labels = [LABEL_OF_TYPE[type] ?? 'maintenance'];
      if (hotfix && index === 0) labels.push('hotfix');
      else if (rand() < 0.06) labels.push('no-deploy-to-prod');
      return {
        sha: shaOf(`${name}:${commitCounter}`),
        message: `${type}: ${subject} (#${pr})`,
        author: pick(AUTHORS),
        timestamp: iso(at - (count - index) * 3 * 60 * MINUTE),
        pullRequest: { number: pr, title: `${type}: ${subject}`, labels },
      };
    });

  const start = now - 120 * DAY;
  const releases = 24;
  let lastProdAt = -Infinity;
  let previousProd: { version: string; sha: string } | undefined;
  let prodFrozen = false;
  const deploy = (
    version: string,
    commitSha: string,
    environment: string,
    at: number,
    outcome: 'succeeded' | 'failed',
    actor: string,
  ) => {
    add({
      type: 'deploy',
      status: 'started',
      version,
      commitSha,
      environment,
      actor,
      occurredAt: iso(at),
      runUrl: `https://argocd.acme.example/applications/${name}-${environment}`,
    });
    add({
      type: 'deploy',
      status: outcome,
      version,
      commitSha,
      environment,
      actor,
      occurredAt: iso(at + 3 * MINUTE),
      runUrl: `https://argocd.acme.example/applications/${name}-${environment}`,
    });
  };

  for (let i = 0; i < releases; i++) {
    const t = start + i * 4.6 * DAY + Math.floor(rand() * 8) * 60 * MINUTE;
    // One release of the steady components is a hotfix (DORA's rework rate counts it).
    const hotfix = component.scenario === 'steady' && i === releases - 4;
    const commits = makeCommits(2 + Math.floor(rand() * 5), t, hotfix);
    const breaking = i === 14 && name === 'notifier';
    if (breaking) {
      major += 1;
      minor = 0;
      patch = 0;
    } else if (commits.some(c => c.message.startsWith('feat'))) {
      minor += 1;
      patch = 0;
    } else {
      patch += 1;
    }
    const version = `${major}.${minor}.${patch}`;
    const head = commits[commits.length - 1].sha;
    const runUrl = `https://github.com/acme/${name}/actions/runs/${
      7_000_000 + i * 37 + name.length
    }`;
    // The first event of a release carries its commits, so the ledger learns them in order.
    add({
      type: 'build',
      status: 'started',
      version,
      commitSha: head,
      commits,
      runUrl,
      actor: commits[0].author,
      occurredAt: iso(t),
    });
    const buildFails = i === 6 || (i > 2 && rand() < 0.05);
    if (buildFails) {
      add({
        type: 'build',
        status: 'failed',
        version,
        commitSha: head,
        runUrl,
        occurredAt: iso(t + 7 * MINUTE),
      });
      continue;
    }
    add({
      type: 'build',
      status: 'succeeded',
      version,
      commitSha: head,
      runUrl,
      occurredAt: iso(t + 7 * MINUTE),
    });
    add({
      type: 'publish',
      status: 'succeeded',
      version,
      commitSha: head,
      image: {
        repository: image,
        tag: version,
        digest: `sha256:${createHash('sha256')
          .update(`${name}@${version}`)
          .digest('hex')}`,
      },
      runUrl,
      occurredAt: iso(t + 9 * MINUTE),
    });
    add({
      type: 'release',
      status: 'succeeded',
      version,
      commitSha: head,
      runUrl: `https://github.com/acme/${name}/releases/tag/v${version}`,
      actor: 'release-bot',
      occurredAt: iso(t + 10 * MINUTE),
    });

    const devFails = i === 9;
    deploy(
      version,
      head,
      'dev',
      t + 12 * MINUTE,
      devFails ? 'failed' : 'succeeded',
      'argocd',
    );
    if (devFails) continue;
    if (component.environments.includes('qa'))
      deploy(version, head, 'qa', t + 70 * MINUTE, 'succeeded', 'argocd');
    const stageAt = t + DAY;
    const isLast = i === releases - 1;
    if (i % 2 === 0 || isLast) {
      const stageFails = component.scenario === 'stage-failed' && isLast;
      deploy(
        version,
        head,
        'stage',
        stageAt,
        stageFails ? 'failed' : 'succeeded',
        pick(AUTHORS),
      );
      if (stageFails) continue;
      const drifting =
        component.scenario === 'prod-drift' && i >= releases - 10;
      if (
        !drifting &&
        !prodFrozen &&
        stageAt + DAY - lastProdAt > 6 * DAY &&
        stageAt + DAY < now
      ) {
        const prodAt = stageAt + DAY;
        deploy(version, head, 'prod', prodAt, 'succeeded', 'release-manager');
        if (
          component.scenario === 'rollback' &&
          i >= releases - 6 &&
          previousProd
        ) {
          // The release degraded production; on-call rolled back to the previous version.
          add({
            type: 'deploy',
            status: 'failed',
            version,
            commitSha: head,
            environment: 'prod',
            actor: 'argocd',
            occurredAt: iso(prodAt + 25 * MINUTE),
            runUrl: `https://argocd.acme.example/applications/${name}-prod`,
          });
          deploy(
            previousProd.version,
            previousProd.sha,
            'prod',
            prodAt + 40 * MINUTE,
            'succeeded',
            'oncall-dora',
          );
          // Production stays on the rolled-back version while the fix is prepared.
          prodFrozen = true;
          continue;
        }
        lastProdAt = prodAt;
        previousProd = { version, sha: head };
      }
    }
  }

  // Merged since the last release: the next version's build has started but nothing is deployed yet.
  const pending = makeCommits(3 + (name.length % 5) * 2, now - 2 * 60 * MINUTE);
  const next = `${major}.${minor + 1}.0`;
  add({
    type: 'build',
    status: 'started',
    version: next,
    commitSha: pending[pending.length - 1].sha,
    commits: pending,
    runUrl: `https://github.com/acme/${name}/actions/runs/${
      8_000_000 + name.length
    }`,
    actor: pending[0].author,
    occurredAt: iso(now - 2 * 60 * MINUTE),
  });
  return events;
}
