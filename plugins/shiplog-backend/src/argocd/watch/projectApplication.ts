import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { APPLICATION_LIST_FIELDS } from '../client/ArgoCdClient';

const PATHS = APPLICATION_LIST_FIELDS.filter(field =>
  field.startsWith('items.'),
).map(field => field.slice('items.'.length).split('.'));

/**
 * Keeps the fields the list asks Argo CD for, so an application from the watch stream is stored exactly
 * as the poller stores it (and an unchanged application compares equal whichever way it came).
 */
export function projectApplication(app: ArgoApplication): ArgoApplication {
  const out: Record<string, unknown> = {};
  for (const path of PATHS) {
    let value: unknown = app;
    for (const key of path) {
      value =
        value !== null && typeof value === 'object'
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    if (value === undefined) continue;
    let target = out;
    for (const key of path.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Record<string, unknown>;
    }
    target[path[path.length - 1]] = value;
  }
  return out as unknown as ArgoApplication;
}
