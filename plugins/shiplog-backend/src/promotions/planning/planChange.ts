import { Entity } from '@backstage/catalog-model';
import {
  EnvironmentConfig,
  PromotionChange,
  SHIPLOG_ANNOTATIONS,
} from '@shiplog/plugin-shiplog-common';
import {
  PromotionExecutor,
  resolveValuesPath,
} from '@shiplog/plugin-shiplog-node';

/** The change a promotion would make, or why it cannot make one. */
export interface PlannedChange {
  change?: PromotionChange;
  changeProblem?: string;
  executor?: PromotionExecutor;
}

/** The change a promotion makes, from the entity's annotations and the environment's policy. */
export function planChange(
  entity: Entity,
  environment: string,
  policy: EnvironmentConfig,
  options: { executors: PromotionExecutor[]; autoMerge: boolean },
): PlannedChange {
  const annotations = entity.metadata.annotations ?? {};
  const name = entity.metadata.name;
  const repository = annotations[SHIPLOG_ANNOTATIONS.gitopsRepo]?.trim();
  const template = annotations[SHIPLOG_ANNOTATIONS.valuesPath]?.trim();
  if (!repository) {
    return {
      changeProblem: `${name} has no ${SHIPLOG_ANNOTATIONS.gitopsRepo} annotation: add it with the GitOps repository's Git URL (e.g. https://github.com/acme/gitops)`,
    };
  }
  if (!template) {
    return {
      changeProblem: `${name} has no ${SHIPLOG_ANNOTATIONS.valuesPath} annotation: add it with the values file per environment (e.g. charts/${name}/values-{{environment}}.yaml)`,
    };
  }
  let path: string;
  try {
    path = resolveValuesPath(template, { environment, component: name });
  } catch (error) {
    return {
      changeProblem: `${SHIPLOG_ANNOTATIONS.valuesPath}: ${
        (error as Error).message
      }`,
    };
  }
  const executor = options.executors.find(e => e.supports(repository));
  if (!executor) {
    return {
      changeProblem: `no promotion executor handles ${SHIPLOG_ANNOTATIONS.gitopsRepo} "${repository}"; use a Git URL (https://, ssh://, git://, file://)`,
    };
  }
  // An environment that requires approval gets a pull request wherever the host can make one.
  let kind: PromotionChange['kind'] = policy.requiresApproval
    ? 'pull-request'
    : policy.change;
  if (!executor.changeKinds.includes(kind)) kind = executor.changeKinds[0];
  return {
    executor,
    change: {
      executor: executor.id,
      kind,
      repository,
      path,
      keyPath:
        annotations[SHIPLOG_ANNOTATIONS.imageTagPath]?.trim() || 'image.tag',
      autoMerge:
        kind === 'pull-request' &&
        options.autoMerge &&
        !policy.requiresApproval,
    },
  };
}
