import { z } from 'zod/v3';
import { environmentNameSchema, versionSchema } from './schema';

// The read endpoints' query strings; the event body's schema is in schema.ts.

/** Query of `GET .../deployments`. @public */
export const deploymentsQuerySchema = z
  .object({
    environment: environmentNameSchema.optional(),
    status: z
      .enum(['in_progress', 'succeeded', 'failed', 'cancelled'])
      .optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .default(25),
  })
  .strict();

/** Query of `GET .../releases`. @public */
export const releasesQuerySchema = z
  .object({
    cursor: z.string().max(500).optional(),
    limit: z.coerce
      .number()
      .int('must be an integer')
      .min(1, 'must be at least 1')
      .max(100, 'must be at most 100')
      .default(20),
  })
  .strict();

/** Query of `GET .../changelog`. @public */
export const changelogQuerySchema = z
  .object({
    from: versionSchema,
    to: versionSchema,
  })
  .strict();
