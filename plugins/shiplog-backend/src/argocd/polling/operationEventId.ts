import { createHash } from 'crypto';

/**
 * One id per (application operation, outcome, entity), whether Shiplog learns of it from a notification or
 * by polling, so the same sync is recorded once.
 */
export function argoOperationEventId(
  operation: {
    instance: string;
    namespace?: string;
    app: string;
    startedAt: string;
  },
  status: 'started' | 'succeeded' | 'failed',
  entityRef: string,
): string {
  const key = [
    operation.instance,
    operation.namespace ?? 'argocd',
    operation.app,
    new Date(operation.startedAt).toISOString(),
    status,
    entityRef,
  ].join('\u0000');
  return `argocd-op:${createHash('sha256')
    .update(key)
    .digest('hex')
    .slice(0, 40)}`;
}
