import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

export interface ArgoCdInstanceConfig {
  name: string;
  /** API base, e.g. https://argocd.example.com */
  url: string;
  /** Where users open the Argo CD UI, when it differs from `url`. */
  frontendUrl: string;
  token?: string;
  username?: string;
  password?: string;
}

export interface ArgoCdConfig {
  instances: ArgoCdInstanceConfig[];
  /** How often each instance's application list is refreshed, and how long trees and values are kept. */
  refreshIntervalMs: number;
  /** Per upstream request; a slower instance is reported as failing instead of holding the page. */
  timeoutMs: number;
  /** How long a page waits on upstream parts before answering with what it has. */
  pageBudgetMs?: number;
  /** Application labels naming the environment, in order of preference. */
  environmentLabels: string[];
  /** Destination cluster name, server URL or namespace → environment. */
  destinationEnvironments: Record<string, string>;
  /** Follow each instance's application watch stream (default true); polling is then a safety net. */
  watch?: boolean;
  /** While a watch stream keeps an instance fresh, how often it is still listed in full. */
  safetyNetPollMs?: number;
}

/** Reads `shiplog.argocd`, failing start-up on an instance that cannot work. */
export function readArgoCdConfig(config: Config): ArgoCdConfig {
  const argo = config.getOptionalConfig('shiplog.argocd');
  const instances = (argo?.getOptionalConfigArray('instances') ?? []).map(
    (instance, index) => {
      const name = instance.getString('name');
      const url = instance.getString('url').replace(/\/+$/, '');
      if (!/^https?:\/\//.test(url)) {
        throw new InputError(
          `shiplog.argocd.instances[${index}].url must be an http(s) URL, got "${url}"`,
        );
      }
      const token = instance.getOptionalString('token');
      const username = instance.getOptionalString('username');
      const password = instance.getOptionalString('password');
      if (!token && !(username && password)) {
        throw new InputError(
          `shiplog.argocd.instances[${index}] (${name}) needs a token, or a username and password`,
        );
      }
      return {
        name,
        url,
        frontendUrl: (instance.getOptionalString('frontendUrl') ?? url).replace(
          /\/+$/,
          '',
        ),
        token,
        username,
        password,
      };
    },
  );
  const names = new Set<string>();
  for (const { name } of instances) {
    if (names.has(name)) {
      throw new InputError(`shiplog.argocd.instances lists "${name}" twice`);
    }
    names.add(name);
  }
  const destinations = argo?.getOptionalConfig('destinationEnvironments');
  return {
    instances,
    refreshIntervalMs:
      (argo?.getOptionalNumber('refreshIntervalSeconds') ?? 15) * 1000,
    timeoutMs: argo?.getOptionalNumber('timeoutMs') ?? 5000,
    pageBudgetMs: argo?.getOptionalNumber('pageBudgetMs'),
    environmentLabels: argo?.getOptionalStringArray('environmentLabels') ?? [
      'shiplog.dev/environment',
      'environment',
      'env',
    ],
    watch: argo?.getOptionalBoolean('watch') ?? true,
    safetyNetPollMs:
      (argo?.getOptionalNumber('safetyNetPollSeconds') ?? 300) * 1000,
    destinationEnvironments: Object.fromEntries(
      (destinations?.keys() ?? []).map(key => [
        key,
        destinations!.getString(key),
      ]),
    ),
  };
}
