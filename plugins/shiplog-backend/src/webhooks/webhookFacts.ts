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

/**
 * The fields of the webhook-only events (pushed commits, merged pull requests) held to the public
 * event schema's rules, so an over-long author or a control character is refused here (the delivery
 * is ignored with the reason) instead of failing in the database on every retry.
 */
const webhookFactsSchema = z.object({
  commits: z.array(commitInputSchema).max(MAX_COMMITS_PER_EVENT).optional(),
  pullRequest: pullRequestInputSchema.optional(),
  commitSha: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/i, 'must be a hexadecimal commit sha')
    .optional(),
  actor: eventTextSchema(200).optional(),
  runUrl: httpUrlSchema.optional(),
  occurredAt: releaseEventInputSchema.innerType().shape.occurredAt,
});

/** Checks a webhook-only event's fields (throws a ZodError naming the field), keeping its shape. */
export function validatedFacts<
  T extends CommitsLedgerEvent | PullRequestLedgerEvent,
>(event: T): T {
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
  return { ...event, ...webhookFactsSchema.parse(present) } as T;
}
