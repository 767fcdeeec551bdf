import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

/** @public */
export const examples: TemplateExample[] = [
  {
    description:
      'The first version of a new service (no repository in the workspace yet): 0.1.0',
    example: exampleStep('shiplog:next-version', 'First version', {}),
  },
  {
    description:
      'The next version of a repository fetched into the workspace, from its tags and commits',
    example: exampleStep('shiplog:next-version', 'Next version', {
      repositoryPath: 'service',
      tagPrefix: 'v',
    }),
  },
  {
    description:
      'The next version from commit messages a previous step collected',
    example: exampleStep('shiplog:next-version', 'Next version', {
      currentVersion: '1.4.2',
      commits: ['feat(api): list orders by customer', 'fix: round totals'],
    }),
  },
];
