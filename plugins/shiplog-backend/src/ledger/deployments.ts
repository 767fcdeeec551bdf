import { Deployment, Page } from '@shiplog/plugin-shiplog-common';
import { DeploymentStore } from '../database/stores';
import { decodeCursor, encodeCursor } from './cursor';
import { toDeployment } from './records';

const isDeploymentCursor = (v: unknown): v is { s: number; i: string } => {
  const c = v as { s: unknown; i: unknown };
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(c.s) &&
    typeof c.i === 'string' &&
    /^\d{1,18}$/.test(c.i)
  );
};

/** The deployment history newest first, a page at a time (keyset on time and id). */
export async function listDeployments(
  deployments: DeploymentStore,
  entityRef: string,
  options: {
    environment?: string;
    status?: Deployment['status'];
    limit: number;
    cursor?: string;
  },
): Promise<Page<Deployment>> {
  const after = options.cursor
    ? decodeCursor(options.cursor, isDeploymentCursor)
    : undefined;
  const records = await deployments.listDeployments(entityRef, {
    environment: options.environment,
    status: options.status,
    limit: options.limit + 1,
    after: after ? { sortAt: after.s, id: after.i } : undefined,
  });
  const page = records.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toDeployment),
    nextCursor:
      records.length > options.limit && last
        ? encodeCursor({ s: last.sortAt, i: last.id })
        : undefined,
  };
}
