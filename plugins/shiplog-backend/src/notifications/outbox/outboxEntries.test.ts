import { outboxEntriesFor } from './outboxEntries';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const ENTITY = 'component:default/checkout';

describe('outboxEntriesFor', () => {
  it('makes one message per stage event, none for commits, and tells a sync by a user and a rollback apart', () => {
    const entries = outboxEntriesFor(
      [
        {
          id: 'b1',
          entityRef: ENTITY,
          type: 'build',
          status: 'started',
          version: '1.0.0',
        },
        {
          id: 'c1',
          entityRef: ENTITY,
          type: 'commits',
          commits: [{ sha: 'a'.repeat(40) }],
        },
        {
          id: 'd1',
          entityRef: ENTITY,
          type: 'deploy',
          status: 'started',
          commitSha: 'a'.repeat(40),
          environment: 'dev',
        },
        {
          id: 'shiplog-sync:42:started',
          entityRef: ENTITY,
          type: 'deploy',
          status: 'started',
          version: '1.0.0',
          environment: 'prod',
          actor: 'user:default/jane',
        },
        {
          id: 'p1',
          entityRef: ENTITY,
          type: 'promotion',
          status: 'requested',
          version: '0.9.0',
          environment: 'prod',
          promotionId: 'x',
          rollback: true,
          fromVersion: '1.0.0',
        },
        {
          id: 'p2',
          entityRef: ENTITY,
          type: 'promotion',
          status: 'change_opened',
          version: '1.0.0',
          environment: 'prod',
          promotionId: 'y',
        },
      ],
      NOW,
    );
    expect(entries.map(e => [e.eventId, e.kind, e.status])).toEqual([
      ['b1', 'build', 'started'],
      ['d1', 'deploy', 'started'],
      ['shiplog-sync:42:started', 'sync', 'started'],
      ['p1', 'rollback', 'requested'],
    ]);
    expect(entries[1]).toMatchObject({
      commitSha: 'a'.repeat(40),
      version: undefined,
    });
    expect(entries[3].payload).toEqual({
      promotionId: 'x',
      fromVersion: '1.0.0',
    });
  });

  it('posts nothing for history replayed more than an hour after it happened', () => {
    const old = new Date(NOW - 2 * 3600_000).toISOString();
    const recent = new Date(NOW - 60_000).toISOString();
    const entries = outboxEntriesFor(
      [
        {
          id: 'old',
          entityRef: ENTITY,
          type: 'build',
          status: 'succeeded',
          version: '1.0.0',
          occurredAt: old,
        },
        {
          id: 'new',
          entityRef: ENTITY,
          type: 'build',
          status: 'succeeded',
          version: '1.0.1',
          occurredAt: recent,
        },
      ],
      NOW,
    );
    expect(entries.map(e => e.eventId)).toEqual(['new']);
  });
});
