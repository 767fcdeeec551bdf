// `monolith`'s long history: 2,000 releases, each built and published, and 10,000 deployments across
// dev, qa, stage and prod. Seeded by the end-to-end check and the browser benchmark to time a
// component tab's first view on a large history.
export const MONOLITH_RELEASES = 2000;
export const MONOLITH_DEPLOYMENTS = 10000;

/** The events, oldest first, and how many deployments they hold. */
export function monolithEvents() {
  const entityRef = 'component:default/monolith';
  const start = Date.now() - 4 * 365 * 86_400_000;
  const step = (4 * 365 * 86_400_000) / MONOLITH_RELEASES;
  const events = [];
  let deployments = 0;
  for (let r = 0; r < MONOLITH_RELEASES; r++) {
    const version = `${1 + Math.floor(r / 400)}.${Math.floor(r / 20) % 20}.${
      r % 20
    }`;
    const sha = (r + 1).toString(16).padEnd(40, 'a');
    const at = offset =>
      new Date(start + r * step + offset * 60_000).toISOString();
    events.push(
      {
        id: `mono-b-${r}`,
        entityRef,
        type: 'build',
        status: 'succeeded',
        version,
        commitSha: sha,
        occurredAt: at(0),
        commits: [
          {
            sha,
            message: `feat: change ${r} (#${r + 1})`,
            author: 'dev',
            pullRequest: { number: r + 1, labels: ['feature'] },
          },
        ],
      },
      {
        id: `mono-p-${r}`,
        entityRef,
        type: 'publish',
        status: 'succeeded',
        version,
        image: { repository: 'ghcr.io/acme/monolith', tag: version },
        occurredAt: at(5),
      },
    );
    // Five deployments per release: dev twice (a first attempt that sometimes fails), then qa, stage, prod.
    const targets = ['dev', 'dev', 'qa', 'stage', 'prod'];
    for (const [i, environment] of targets.entries()) {
      if (deployments >= MONOLITH_DEPLOYMENTS) break;
      deployments++;
      events.push({
        id: `mono-d-${r}-${i}`,
        entityRef,
        type: 'deploy',
        status: i === 0 && r % 7 === 0 ? 'failed' : 'succeeded',
        version,
        environment,
        occurredAt: at(10 + i * 20),
      });
    }
  }
  return { events, deployments };
}
