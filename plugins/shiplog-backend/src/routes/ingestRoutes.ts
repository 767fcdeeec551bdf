import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  createReleaseEventInputSchema,
  IngestResponse,
  ingestBatchSchema,
  releaseEventInputSchema,
  ReleaseEvent,
} from '@shiplog/plugin-shiplog-common';
import { ingestSubjectOf, IngestScopes } from '../ingest/IngestScopes';
import { ShiplogRouter } from './paths';
import { describeZodError, parseInput } from './validation';

/** Stores validated events; a ledger store, or a CoalescingIngester in front of one. */
export interface EventIngester {
  ingest(events: ReleaseEvent[]): Promise<IngestResponse>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the body of `POST /v1/events`: one event, or `{ events: [...] }`. All valid, or a 400 and nothing stored. */
export function parseIngestBody(
  body: unknown,
  eventSchema: ReturnType<
    typeof createReleaseEventInputSchema
  > = releaseEventInputSchema,
): ReleaseEvent[] {
  if (!isRecord(body)) {
    throw new InputError(
      'Invalid input: (body): must be a JSON object: one event, or { "events": [...] }',
    );
  }
  if (!('events' in body)) {
    return [parseInput(eventSchema, body)];
  }
  const batch = parseInput(ingestBatchSchema, body);
  const events: ReleaseEvent[] = [];
  const problems: string[] = [];
  batch.events.forEach((event, index) => {
    const result = eventSchema.safeParse(event);
    if (result.success) events.push(result.data);
    else
      problems.push(
        describeZodError(result.error, `events[${index}]`).replace(
          /^Invalid input: /,
          '',
        ),
      );
  });
  if (problems.length) {
    const shown = problems.slice(0, 10).join('; ');
    throw new InputError(
      `Invalid input, nothing was stored: ${shown}${
        problems.length > 10
          ? ` (and ${problems.length - 10} more invalid events)`
          : ''
      }`,
    );
  }
  return events;
}

/** `POST /v1/events`: CI and other services report release events. */
export function registerIngestRoutes(
  router: ShiplogRouter,
  options: {
    httpAuth: HttpAuthService;
    ingester: EventIngester;
    /** Which service may report for which entities; without it, every service for every entity. */
    scopes?: IngestScopes;
    /** The event schema with the configured clock skew. */
    eventSchema?: ReturnType<typeof createReleaseEventInputSchema>;
  },
): void {
  const { httpAuth, ingester, scopes, eventSchema } = options;
  router.post('/v1/events', async (req, res) => {
    // Only services report events: CI with a static external-access token, or other backend plugins.
    const credentials = await httpAuth.credentials(req, { allow: ['service'] });
    const events = parseIngestBody(req.body, eventSchema);
    // Nothing of the batch is stored when one event is out of the caller's scope.
    await scopes?.assertAllowed(
      ingestSubjectOf(credentials),
      events.map(event => event.entityRef),
    );
    const result: IngestResponse = await ingester.ingest(events);
    res.status(202).json(result);
  });
}
