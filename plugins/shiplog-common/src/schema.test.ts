import {
  createReleaseEventInputSchema,
  findControlCharacter,
  releaseEventInputSchema,
} from './schema';

const build = (fields: Record<string, unknown> = {}) => ({
  id: 'e1',
  entityRef: 'component:default/checkout',
  type: 'build',
  status: 'succeeded',
  version: '1.0.0',
  ...fields,
});

function problems(input: unknown, schema = releaseEventInputSchema) {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map(
    issue => `${issue.path.join('.')}: ${issue.message}`,
  );
}

describe('releaseEventInputSchema: hostile input', () => {
  it.each([
    ['a name with spaces', 'component:default/not a name', 'name "not a name"'],
    ['a name with a slash', 'component:default/a/b', 'entityRef'],
    ['a namespace with upper case', 'component:Default/x', 'namespace'],
    ['a kind with a dash', 'com-ponent:default/x', 'kind "com-ponent"'],
    [
      'a name over 63 characters',
      `component:default/${'a'.repeat(64)}`,
      'name',
    ],
    ['a name ending in a dot', 'component:default/x.', 'name "x."'],
  ])('refuses an entity ref with %s', (_label, entityRef, message) => {
    const found = problems(build({ entityRef }));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^entityRef: is not a valid entity reference/);
    expect(found[0]).toContain(message);
  });

  it('keeps accepting refs the catalog holds, normalised to lower case', () => {
    expect(
      releaseEventInputSchema.parse(
        build({ entityRef: 'Component:default/My_App.v2' }),
      ).entityRef,
    ).toBe('component:default/my_app.v2');
    expect(
      releaseEventInputSchema.parse(build({ entityRef: 'checkout' })).entityRef,
    ).toBe('component:default/checkout');
  });

  it.each([
    ['actor', { actor: 'a\u0000b' }, 'actor'],
    ['source', { source: 'ci\u001b[31m' }, 'source'],
    ['entityRef', { entityRef: 'checkout\u0000' }, 'entityRef'],
    ['runUrl', { runUrl: 'https://ci.example.com/\u0000' }, 'runUrl'],
    [
      'a commit author',
      { commits: [{ sha: 'abcdef1', author: 'eve\u0007' }] },
      'commits.0.author',
    ],
    [
      'a commit message',
      { commits: [{ sha: 'abcdef1', message: 'fix\u0000' }] },
      'commits.0.message',
    ],
    [
      'a pull request label',
      {
        commits: [
          { sha: 'abcdef1', pullRequest: { number: 1, labels: ['a\u0085'] } },
        ],
      },
      'commits.0.pullRequest.labels.0',
    ],
    [
      'a pull request title',
      {
        commits: [
          { sha: 'abcdef1', pullRequest: { number: 1, title: 'x\u2028y' } },
        ],
      },
      'commits.0.pullRequest.title',
    ],
    [
      'an image repository',
      {
        type: 'publish',
        image: { repository: 'ghcr.io/acme\u0000/x', tag: '1.0.0' },
      },
      'image.repository',
    ],
  ])(
    'refuses a control character in %s, naming the field',
    (_l, fields, path) => {
      const found = problems(build(fields));
      expect(found).toEqual([
        expect.stringMatching(
          new RegExp(
            `^${path.replace(
              /\./g,
              '\\.',
            )}: must not contain control characters`,
          ),
        ),
      ]);
    },
  );

  it('keeps line breaks and tabs in commit messages', () => {
    const message = 'feat: x\n\n\tbody\r\n';
    const event = releaseEventInputSchema.parse(
      build({ commits: [{ sha: 'abcdef1', message }] }),
    );
    expect(event.commits?.[0].message).toBe(message);
  });

  it('names the control character and where it is', () => {
    expect(findControlCharacter('ab\u0000')).toBe(
      'must not contain control characters (found U+0000 at position 2)',
    );
    expect(findControlCharacter('a\nb', { multiline: true })).toBeUndefined();
    expect(findControlCharacter('a\nb')).toContain('U+000A');
  });

  describe('occurredAt and the clock skew', () => {
    const inMinutes = (minutes: number) =>
      new Date(Date.now() + minutes * 60_000).toISOString();

    it('refuses an event more than 5 minutes ahead by default', () => {
      expect(problems(build({ occurredAt: inMinutes(23 * 60) }))).toEqual([
        "occurredAt: must not be more than 5 minutes in the future (check the sender's clock)",
      ]);
      expect(problems(build({ occurredAt: inMinutes(6) }))).toHaveLength(1);
      expect(problems(build({ occurredAt: inMinutes(4) }))).toEqual([]);
    });

    it('uses the configured skew', () => {
      const schema = createReleaseEventInputSchema({
        maxClockSkewMs: 3_600_000,
      });
      expect(problems(build({ occurredAt: inMinutes(30) }), schema)).toEqual(
        [],
      );
      expect(problems(build({ occurredAt: inMinutes(90) }), schema)).toEqual([
        "occurredAt: must not be more than 1 hour in the future (check the sender's clock)",
      ]);
    });
  });
});
