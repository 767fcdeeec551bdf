import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

export interface SlackNotificationsConfig {
  token: string;
  /** Slack Web API base URL, ending in `/`. */
  apiUrl: string;
  defaultChannel?: string;
  /** Environments whose events post; all when undefined. */
  environments?: string[];
  parentUpdateIntervalMs: number;
}

export interface NotificationsConfig {
  /** Absent when `shiplog.notifications.slack` is not configured: no outbox rows are written then. */
  slack?: SlackNotificationsConfig;
  /** The portal's base URL, for links to the Deployments tab. */
  appBaseUrl?: string;
  /** How long production may run behind the environment before it before owners are told. */
  driftAfterMs: number;
}

/** Reads `shiplog.notifications` (config.d.ts documents each key). */
export function readNotificationsConfig(config: Config): NotificationsConfig {
  const slack = config.getOptionalConfig('shiplog.notifications.slack');
  const driftAfter = config.has('shiplog.notifications.driftAfter')
    ? durationToMilliseconds(
        readDurationFromConfig(config, {
          key: 'shiplog.notifications.driftAfter',
        }),
      )
    : 3 * 24 * 3600_000;
  const apiUrl = slack?.getOptionalString('apiUrl') ?? 'https://slack.com/api/';
  return {
    appBaseUrl: config.getOptionalString('app.baseUrl')?.replace(/\/+$/, ''),
    driftAfterMs: driftAfter,
    slack: slack
      ? {
          token: slack.getString('token'),
          apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
          defaultChannel: slack.getOptionalString('defaultChannel'),
          environments: slack.getOptionalStringArray('environments'),
          parentUpdateIntervalMs:
            (slack.getOptionalNumber('parentUpdateIntervalSeconds') ?? 5) *
            1000,
        }
      : undefined,
  };
}
