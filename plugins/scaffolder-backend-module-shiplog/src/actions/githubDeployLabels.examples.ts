import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const action = 'shiplog:github:deploy-labels';

export const examples: TemplateExample[] = [
  {
    description:
      'One no-deploy-to-<environment> label per environment of the new service',
    example: exampleStep(action, 'Deploy labels', {
      repoUrl: 'github.com?owner=acme&repo=checkout',
      environments: ['dev', 'stage', 'prod'],
    }),
  },
  {
    description: 'With a colour of your own',
    example: exampleStep(action, 'Deploy labels', {
      repoUrl: 'github.com?owner=acme&repo=checkout',
      environments: ['dev', 'prod'],
      color: 'd93f0b',
    }),
  },
];
