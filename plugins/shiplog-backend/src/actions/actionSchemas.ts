import type { z as zod } from 'zod/v3';

/** The zod the actions registry hands to each schema function. */
type Zod = typeof zod;

/** An entity reference input: any kind the org views cover. */
export const entityRefInput = (z: Zod) =>
  z
    .string()
    .describe(
      'Entity reference: a Component, System, Group or Domain, e.g. system:default/shop or component:default/checkout',
    );

const rollupCell = (z: Zod) =>
  z.object({
    version: z.string().optional(),
    status: z.string().optional(),
    since: z.string().optional(),
    behindReleases: z.number().optional(),
    behindCommits: z.number().optional(),
  });

/** The shape of `GET .../rollup`. */
export const rollupOutput = (z: Zod) =>
  z.object({
    environments: z.array(z.string()),
    components: z.array(
      z.object({
        entityRef: z.string(),
        title: z.string().optional(),
        environments: z.record(rollupCell(z)),
        undeployedCommits: z.number(),
        failing: z.boolean(),
      }),
    ),
  });

/** A ratio whose numerator is named `failed` (change fail rate) or `unplanned` (rework rate). */
const ratio = <K extends string>(z: Zod, numerator: K) =>
  z.object({ total: z.number(), ratio: z.number().nullable() }).extend({
    [numerator]: z.number(),
  } as Record<K, ReturnType<Zod['number']>>);

const median = (z: Zod) =>
  z.object({ medianSeconds: z.number().nullable(), samples: z.number() });

/** The shape of `GET .../dora`. */
export const doraOutput = (z: Zod) =>
  z.object({
    from: z.string(),
    to: z.string(),
    environment: z.string(),
    components: z.number(),
    deploymentFrequency: z.object({
      deployments: z.number(),
      perDay: z.number(),
    }),
    leadTime: median(z),
    changeFailRate: ratio(z, 'failed'),
    recoveryTime: median(z),
    reworkRate: ratio(z, 'unplanned'),
    weekly: z.array(
      z.object({
        weekStart: z.string(),
        deployments: z.number(),
        leadTimeMedianSeconds: z.number().nullable(),
        changeFailRate: z.number().nullable(),
      }),
    ),
  });

/** A promotion preview's input. */
export const previewInput = (z: Zod) =>
  z.object({
    entityRef: z
      .string()
      .describe('The component, e.g. component:default/checkout'),
    version: z.string().describe('The version to promote'),
    environment: z.string().describe('The target environment, e.g. prod'),
    rollback: z
      .boolean()
      .optional()
      .describe('Promote an older version on purpose'),
  });
