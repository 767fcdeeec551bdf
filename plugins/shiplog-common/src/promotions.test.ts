import {
  groupCommitsByType,
  promotionRequestSchema,
  promotionsQuerySchema,
} from './promotions';
import { parsePromotionResourceRef, promotionResourceRef } from './permissions';

describe('promotion schemas', () => {
  it('needs a reason for a rollback, except in a preview', () => {
    expect(
      promotionRequestSchema.safeParse({
        version: '1.2.0',
        environment: 'prod',
        rollback: true,
      }).success,
    ).toBe(false);
    expect(
      promotionRequestSchema.parse({
        version: '1.2.0',
        environment: 'prod',
        rollback: true,
        dryRun: true,
      }),
    ).toEqual({
      version: '1.2.0',
      environment: 'prod',
      rollback: true,
      dryRun: true,
      overrideFreeze: false,
    });
  });

  it('refuses versions that cannot be a tag, and unknown fields', () => {
    expect(
      promotionRequestSchema.safeParse({ version: 'a/b', environment: 'prod' })
        .success,
    ).toBe(false);
    expect(
      promotionRequestSchema.safeParse({
        version: '1.0.0',
        environment: 'prod',
        force: true,
      }).success,
    ).toBe(false);
    expect(promotionsQuerySchema.safeParse({ state: 'shipped' }).success).toBe(
      false,
    );
    expect(promotionsQuerySchema.parse({ limit: '5' })).toEqual({ limit: 5 });
  });

  it('round-trips promotion resource refs', () => {
    const ref = promotionResourceRef('Component:default/checkout', 'prod');
    expect(ref).toBe('component:default/checkout@prod');
    expect(parsePromotionResourceRef(ref)).toEqual({
      entityRef: 'component:default/checkout',
      environment: 'prod',
    });
    expect(parsePromotionResourceRef('component:default/checkout')).toBe(
      undefined,
    );
  });
});

describe('changelog grouping', () => {
  it('groups breaking changes and features first, keeping order inside a group', () => {
    const groups = groupCommitsByType([
      { sha: '1', message: 'chore: deps' },
      { sha: '2', message: 'feat: b' },
      { sha: '3', message: 'fix: c' },
      { sha: '4', message: 'feat: d' },
      { sha: '5', message: 'feat!: e' },
    ]);
    expect(groups.map(g => [g.title, g.commits.map(c => c.sha)])).toEqual([
      ['Breaking changes', ['5']],
      ['Features', ['2', '4']],
      ['Bug fixes', ['3']],
      ['Chores', ['1']],
    ]);
  });
});
