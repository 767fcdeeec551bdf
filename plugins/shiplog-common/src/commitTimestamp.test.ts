import { releaseEventInputSchema } from './schema';

const releaseWith = (commit: Record<string, unknown>) => ({
  id: 'e1',
  entityRef: 'component:default/checkout',
  type: 'release',
  status: 'succeeded',
  version: '1.0.0',
  commits: [{ sha: 'abcdef1', ...commit }],
});

describe('commits[].timestamp', () => {
  it('is optional, and kept as sent when it is an ISO date-time', () => {
    expect(releaseEventInputSchema.safeParse(releaseWith({})).success).toBe(
      true,
    );
    const parsed = releaseEventInputSchema.parse(
      releaseWith({ timestamp: '2026-01-31T12:00:00+01:00' }),
    );
    expect(parsed.commits?.[0].timestamp).toBe('2026-01-31T12:00:00+01:00');
  });

  it('is refused with the field named when it is not a date-time', () => {
    const result = releaseEventInputSchema.safeParse(
      releaseWith({ timestamp: 'yesterday' }),
    );
    expect(result.success).toBe(false);
    expect(
      !result.success && result.error.issues.map(i => i.path.join('.')),
    ).toEqual(['commits.0.timestamp']);
  });
});
