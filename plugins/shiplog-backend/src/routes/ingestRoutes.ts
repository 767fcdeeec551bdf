import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  IngestResponse,
  ingestBatchSchema,
  releaseEventInputSchema,
  ReleaseEvent,
} from '@shiplog/plugin-shiplog-common';
import express from 'express';
import { describeZodError, parseInput } from './validation';

/** Stores validated events; a ledger store, or a CoalescingIngester in front of one. */
export interface EventIngester {
  ingest(events: ReleaseEvent[]): Promise<IngestResponse>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the body of `POST /v1/events`: one event, or `{ events: [...] }`. All valid, or a 400 and nothing stored. */
export function parseIngestBody(body: unknown): ReleaseEvent[] {
  if (!isRecord(body)) {
    throw new InputError(
      'Invalid input: (body): must be a JSON object: one event, or { "events": [...] }',
    );
  }
  if (!('events' in body)) {
    return [parseInput(releaseEventInputSchema, body)];
  }
  const batch = parseInput(ingestBatchSchema, body);
  const events: ReleaseEvent[] = [];
  const problems: string[] = [];
  batch.events.forEach((event, index) => {
    const result = releaseEventInputSchema.safeParse(event);
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
  router: express.Router,
  options: { httpAuth: HttpAuthService; ingester: EventIngester },
): void {
  const { httpAuth, ingester } = options;
  router.post('/v1/events', async (req, res) => {
    // Only services report events: CI with a static external-access token, or other backend plugins.
    await httpAuth.credentials(req, { allow: ['service'] });
    const events = parseIngestBody(req.body);
    const result: IngestResponse = await ingester.ingest(events);
    res.status(202).json(result);
  });
}
