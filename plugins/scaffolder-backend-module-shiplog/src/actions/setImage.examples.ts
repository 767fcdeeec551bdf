import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

/** @public */
export const examples: TemplateExample[] = [
  {
    description: 'Set the tag a new service starts with in its dev values file',
    example: exampleStep('shiplog:gitops:set-image', 'Set image tag', {
      valuesPath: 'deploy/charts/checkout/values-dev.yaml',
      tag: '0.1.0',
    }),
  },
  {
    description:
      'Set the tag in a GitOps repository fetched to gitops/, with the path of the shiplog.dev/values-path annotation',
    example: exampleStep('shiplog:gitops:set-image', 'Set image tag', {
      directory: 'gitops',
      valuesPath: 'charts/{{component}}/values-{{environment}}.yaml',
      component: 'checkout',
      environment: 'stage',
      keyPath: 'image.tag',
      tag: '1.5.0',
    }),
  },
];
