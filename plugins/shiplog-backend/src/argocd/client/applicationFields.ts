import {
  EnvironmentConfig,
  environmentNameSchema,
} from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { ArgoCdConfig } from '../config';

/** The environment an application deploys: a label, then its destination, then a `-<env>` name suffix. */
export function applicationEnvironment(
  app: ArgoApplication,
  config: Pick<ArgoCdConfig, 'environmentLabels' | 'destinationEnvironments'>,
  environments: EnvironmentConfig[],
): string | undefined {
  const labels = app.metadata.labels ?? {};
  const { destination } = app.spec;
  const candidates = [
    ...config.environmentLabels.map(label => labels[label]),
    destination.name && config.destinationEnvironments[destination.name],
    destination.server && config.destinationEnvironments[destination.server],
    destination.namespace &&
      config.destinationEnvironments[destination.namespace],
    environments
      .map(env => env.name)
      .find(name => app.metadata.name.endsWith(`-${name}`)),
  ];
  return candidates.find(
    (candidate): candidate is string =>
      !!candidate && environmentNameSchema.safeParse(candidate).success,
  );
}

/** The tag of the entity's image among the app's images; with one image, that image's tag. */
export function versionFromImages(
  images: string[],
  entityImage: string | undefined,
): string | undefined {
  const match =
    images.find(ref =>
      entityImage ? ref.startsWith(`${entityImage}:`) : false,
    ) ?? (images.length === 1 ? images[0] : undefined);
  if (!match) return undefined;
  const withoutDigest = match.split('@')[0];
  const colon = withoutDigest.lastIndexOf(':');
  if (colon < 0 || withoutDigest.slice(colon).includes('/')) return undefined;
  return withoutDigest.slice(colon + 1) || undefined;
}

/** Single- and multi-source apps alike: sources as a list, revisions as a list. */
export function sourcesOf(app: ArgoApplication) {
  if (app.spec.sources?.length) return app.spec.sources;
  return app.spec.source ? [app.spec.source] : [];
}

export function revisionsOf(value?: {
  revision?: string;
  revisions?: string[];
}): string[] {
  if (!value) return [];
  if (value.revisions?.length) return value.revisions;
  return value.revision ? [value.revision] : [];
}
