import {
  commitInputSchema,
  eventTextSchema,
  httpUrlSchema,
  MAX_COMMITS_PER_EVENT,
  pullRequestInputSchema,
  releaseEventInputSchema,
} from '@shiplog/plugin-shiplog-common';
import { z } from 'zod/v3';
import { CommitsLedgerEvent, PullRequestLedgerEvent } from '../database/types';
import type { IngestEventSchema } from '../ingest/readIngestSchema';

/**
 * The fields of the webhook-only events (pushed commits, merged pull requests) held to the public
 * event schema's rules, so an over-long author or a control character is refused here (the delivery
 * is ignored with the reason) instead of failing in the database on every retry.
 */
const factsSchemaFor = (eventSchema: IngestEventSchema) =>
  z.object({
    commits: z.array(commitInputSchema).max(MAX_COMMITS_PER_EVENT).optional(),
    pullRequest: pullRequestInputSchema.optional(),
    commitSha: z
      .string()
      .regex(/^[0-9a-f]{7,40}$/i, 'must be a hexadecimal commit sha')
      .optional(),
    actor: eventTextSchema(200).optional(),
    runUrl: httpUrlSchema.optional(),
    occurredAt: eventSchema.innerType().shape.occurredAt,
  });

/** One facts schema per event schema (one per configured clock skew), built once. */
const factsSchemas = new WeakMap<
  IngestEventSchema,
  ReturnType<typeof factsSchemaFor>
>();

/** Checks a webhook-only event's fields (throws a ZodError naming the field), keeping its shape. */
export function validatedFacts<
  T extends CommitsLedgerEvent | PullRequestLedgerEvent,
>(event: T, eventSchema: IngestEventSchema = releaseEventInputSchema): T {
  let schema = factsSchemas.get(eventSchema);
  if (!schema) {
    schema = factsSchemaFor(eventSchema);
    factsSchemas.set(eventSchema, schema);
  }
  const { commits, pullRequest, commitSha, actor, runUrl, occurredAt } =
    event as Partial<CommitsLedgerEvent & PullRequestLedgerEvent>;
  const present = Object.fromEntries(
    Object.entries({
      commits,
      pullRequest,
      commitSha,
      actor,
      runUrl,
      occurredAt,
    }).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  return { ...event, ...schema.parse(present) } as T;
}
