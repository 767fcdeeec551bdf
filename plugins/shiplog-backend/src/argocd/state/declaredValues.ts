import { Entity } from '@backstage/catalog-model';
import {
  ArgoCdApplicationState,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import type { ArgoApplication } from '@shiplog/plugin-shiplog-node';
import { resolveValuesPath } from '@shiplog/plugin-shiplog-node';
import { sourcesOf } from '../client/applicationFields';
import { errorMessage } from '../budget';
import { GitOpsValuesReader } from '../values/GitOpsValuesReader';

const normalizeRepository = (url: string) =>
  url.replace(/\.git$/, '').replace(/\/+$/, '');

/**
 * The values file's tag at the app's target branch: what Git declares should run. Undefined where the
 * entity names no GitOps repository or values path, or the app's environment is unknown.
 */
export async function readDeclaredValues(
  values: GitOpsValuesReader,
  app: ArgoApplication,
  entity: Entity,
  environment: string | undefined,
): Promise<ArgoCdApplicationState['declared']> {
  const annotations = entity.metadata.annotations ?? {};
  const repository = annotations[SHIPLOG_ANNOTATIONS.gitopsRepo];
  const template = annotations[SHIPLOG_ANNOTATIONS.valuesPath];
  if (!repository || !template || !environment) return undefined;
  let path: string;
  try {
    path = resolveValuesPath(template, {
      environment,
      component: entity.metadata.name,
    });
  } catch (error) {
    // The annotation's author sees why their own template is refused.
    return { repository, path: template, error: errorMessage(error) };
  }
  const source =
    sourcesOf(app).find(
      s => normalizeRepository(s.repoURL) === normalizeRepository(repository),
    ) ?? sourcesOf(app).find(s => !s.chart);
  const ref =
    !source?.targetRevision || source.targetRevision === 'HEAD'
      ? 'HEAD'
      : source.targetRevision;
  try {
    const tag = await values.readTag(
      repository,
      ref,
      path,
      annotations[SHIPLOG_ANNOTATIONS.imageTagPath] || 'image.tag',
    );
    return { repository, path, tag };
  } catch (error) {
    return {
      repository,
      path,
      error: values.publicFailure(error, repository, path),
    };
  }
}
