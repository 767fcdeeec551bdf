import { z } from 'zod/v3';
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * How far in the future an event's time may be by default (`shiplog.ingest.maxClockSkew`): senders'
 * clocks drift a little, but an event dated hours ahead would pin an environment's shown version.
 *
 * @public
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** Largest batch `POST /v1/events` accepts. @public */
export const MAX_EVENTS_PER_BATCH = 500;
/** Most commits one event may carry. @public */
export const MAX_COMMITS_PER_EVENT = 1000;

/** @public */
export const EVENT_TYPES = ['build', 'publish', 'deploy', 'release'] as const;
/** @public */
export const EVENT_STATUSES = [
  'started',
  'succeeded',
  'failed',
  'cancelled',
] as const;

/* eslint-disable no-control-regex */
/** C0 and C1 control characters and DEL; PostgreSQL cannot store NUL, and none belongs in a one-line field. */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** The same, but a multi-line text (a commit message) keeps tabs and line breaks. */
const CONTROL_CHARACTER_MULTILINE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

/** Explains where a control character is, so a sender can find it. */
export function findControlCharacter(
  value: string,
  options: { multiline?: boolean } = {},
): string | undefined {
  const match = (
    options.multiline ? CONTROL_CHARACTER_MULTILINE : CONTROL_CHARACTER
  ).exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase();
  return `must not contain control characters (found U+${code.padStart(
    4,
    '0',
  )} at position ${match.index})`;
}

/** A refinement that refuses control characters, naming the first one. */
const noControlCharacters =
  (options: { multiline?: boolean } = {}) =>
  (value: string, ctx: z.RefinementCtx) => {
    const problem = findControlCharacter(value, options);
    if (problem)
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  };

const trimmed = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .superRefine(noControlCharacters());

/**
 * A one-line text field of at most `max` characters, trimmed, without control characters.
 *
 * @public
 */
export const eventTextSchema = trimmed;

const entityNames = makeValidator();

/** Backstage's naming rules for each part of a reference; a reference the catalog could never hold is refused. */
function describeInvalidRefPart(ref: {
  kind: string;
  namespace: string;
  name: string;
}): string | undefined {
  if (!entityNames.isValidKind(ref.kind)) {
    return `kind "${ref.kind}" must be letters and digits, starting with a letter`;
  }
  if (!entityNames.isValidNamespace(ref.namespace)) {
    return `namespace "${ref.namespace}" must be 1-63 lowercase letters, digits and "-", starting and ending with a letter or digit`;
  }
  if (!entityNames.isValidEntityName(ref.name)) {
    return `name "${ref.name}" must be 1-63 letters, digits and single "-", "_" or ".", starting and ending with a letter or digit`;
  }
  return undefined;
}

/**
 * Normalises an entity reference the way the catalog stores it (`kind:namespace/name`, lower case),
 * defaulting the kind to Component and the namespace to default, as CI jobs usually send just a name.
 */
const entityRefSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .transform((value, ctx) => {
    const control = findControlCharacter(value);
    if (control) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: control });
      return z.NEVER;
    }
    try {
      const ref = parseEntityRef(value, {
        defaultKind: 'component',
        defaultNamespace: 'default',
      });
      const invalidPart = describeInvalidRefPart(ref);
      const normalised = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
      if (normalised.length > 255) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `is too long: "${normalised.slice(0, 40)}..." has ${
            normalised.length
          } characters once kind and namespace are added, at most 255 are allowed`,
        });
        return z.NEVER;
      }
      if (invalidPart) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `is not a valid entity reference: ${invalidPart} (Backstage's naming rules)`,
        });
        return z.NEVER;
      }
      return normalised;
    } catch (error) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `is not a valid entity reference (${
          (error as Error).message
        })`,
      });
      return z.NEVER;
    }
  });

const commitShaSchema = z
  .string()
  .trim()
  .regex(
    /^[0-9a-fA-F]{7,40}$/,
    'must be a hexadecimal commit sha of 7 to 40 characters',
  )
  .transform(sha => sha.toLowerCase());

/** Environment names go into URLs and file paths, so they are kept to a safe alphabet. */
export const environmentNameSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9]([a-z0-9._-]{0,62})$/i,
    'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** A version field: a semver tag (`1.4.2`, `v1.4.2`) or a commit sha. @public */
export const versionSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(
    /^[0-9A-Za-z][0-9A-Za-z._+\-/]*$/,
    'must start with a letter or digit and contain only letters, digits, ".", "_", "+", "-" or "/"',
  );

/** An http(s) URL field of an event. @public */
export const httpUrlSchema = z
  .string()
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .url('must be a URL')
  .refine(url => /^https?:\/\//i.test(url), 'must be an http or https URL')
  .superRefine(noControlCharacters());

const imageSchema = z.object({
  repository: trimmed(255),
  tag: versionSchema,
  digest: z
    .string()
    .trim()
    .regex(
      /^sha256:[0-9a-f]{64}$/,
      'must be "sha256:" followed by 64 lowercase hex digits',
    )
    .optional(),
});

/** A pull request as events carry it. @public */
export const pullRequestInputSchema = z.object({
  number: z
    .number()
    .int('must be an integer')
    .positive('must be positive')
    .max(2_147_483_647, 'must be at most 2147483647'),
  title: trimmed(500).optional(),
  labels: z
    .array(trimmed(100))
    .max(100, 'must list at most 100 labels')
    .default([]),
  url: httpUrlSchema.optional(),
});

/** @public */
export const commitInputSchema = z.object({
  sha: commitShaSchema,
  message: z
    .string()
    .max(10_000, 'must be at most 10000 characters')
    .superRefine(noControlCharacters({ multiline: true }))
    .optional(),
  author: trimmed(200).optional(),
  pullRequest: pullRequestInputSchema.optional(),
  // Git's commit time, where a change's lead time starts; history, so only a malformed one is refused.
  timestamp: z
    .string()
    .trim()
    .datetime({
      offset: true,
      message:
        'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z',
    })
    .optional(),
});

/** "5 minutes", "90 seconds": the configured skew as a sender reads it. */
function describeDuration(ms: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`;
  if (ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour');
  if (ms % 60_000 === 0) return unit(ms / 60_000, 'minute');
  return unit(Math.ceil(ms / 1000), 'second');
}

const isoDateTimeSchema = (maxClockSkewMs: number) =>
  z
    .string()
    .trim()
    .datetime({
      offset: true,
      message:
        'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z',
    })
    .refine(
      value => Date.parse(value) <= Date.now() + maxClockSkewMs,
      `must not be more than ${describeDuration(
        maxClockSkewMs,
      )} in the future (check the sender's clock)`,
    );

/** @public */
export interface ReleaseEventSchemaOptions {
  /** How far in the future `occurredAt` may lie (`shiplog.ingest.maxClockSkew`); default 5 minutes. */
  maxClockSkewMs?: number;
}

/**
 * One release event, as CI, registries and Argo CD report it. The fields are the public contract of
 * `POST /v1/events` (DESIGN.md); the refinements say which field each kind of event needs.
 *
 * @public
 */
export function createReleaseEventInputSchema(
  options: ReleaseEventSchemaOptions = {},
) {
  const maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  return z
    .object({
      id: z
        .string()
        .trim()
        .min(1, 'must not be empty')
        .max(200, 'must be at most 200 characters')
        .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
      entityRef: entityRefSchema,
      type: z.enum(EVENT_TYPES, {
        errorMap: () => ({
          message: `must be one of ${EVENT_TYPES.join(', ')}`,
        }),
      }),
      status: z.enum(EVENT_STATUSES, {
        errorMap: () => ({
          message: `must be one of ${EVENT_STATUSES.join(', ')}`,
        }),
      }),
      version: versionSchema.optional(),
      commitSha: commitShaSchema.optional(),
      environment: environmentNameSchema.optional(),
      image: imageSchema.optional(),
      commits: z
        .array(commitInputSchema)
        .max(
          MAX_COMMITS_PER_EVENT,
          `must list at most ${MAX_COMMITS_PER_EVENT} commits`,
        )
        .optional(),
      runUrl: httpUrlSchema.optional(),
      actor: trimmed(200).optional(),
      source: trimmed(100).optional(),
      occurredAt: isoDateTimeSchema(maxClockSkewMs).optional(),
    })
    .strict()
    .superRefine((event, ctx) => {
      const require = (field: keyof typeof event, why: string) => {
        if (event[field] === undefined) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [field],
            message: `is required ${why}`,
          });
        }
      };
      switch (event.type) {
        case 'build':
          if (event.version === undefined && event.commitSha === undefined) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ['version'],
              message: 'or commitSha is required for a build event',
            });
          }
          break;
        case 'publish':
          require('image', 'for a publish event (the pushed image: repository, tag, digest)');
          break;
        case 'deploy':
          require('environment', 'for a deploy event');
          if (event.version === undefined && event.commitSha === undefined) {
            ctx.addIssue({
              code: z.ZodIssueCode.custom,
              path: ['version'],
              message: 'or commitSha is required for a deploy event',
            });
          }
          break;
        case 'release':
          require('version', 'for a release event');
          break;
        default:
      }
    });
}

/**
 * The event schema with the default clock skew; the backend builds its own from `shiplog.ingest.maxClockSkew`.
 *
 * @public
 */
export const releaseEventInputSchema = createReleaseEventInputSchema();

/** @public */
export type ReleaseEventInput = z.input<typeof releaseEventInputSchema>;
/** A validated, normalised event. @public */
export type ReleaseEvent = z.output<typeof releaseEventInputSchema>;

/**
 * The batch form of `POST /v1/events`; a body without `events` is one event.
 *
 * @public
 */
export const ingestBatchSchema = z
  .object({
    events: z
      .array(z.unknown())
      .min(1, 'must contain at least one event')
      .max(
        MAX_EVENTS_PER_BATCH,
        `must contain at most ${MAX_EVENTS_PER_BATCH} events; split the batch`,
      ),
  })
  .strict();
