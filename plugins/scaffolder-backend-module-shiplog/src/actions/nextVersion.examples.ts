import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** @public */
export const examples: TemplateExample[] = [
  {
    description:
      'The first version of a new service (no repository in the workspace yet): 0.1.0',
    example: stringify({
      steps: [
        {
          id: 'version',
          action: 'shiplog:next-version',
          name: 'First version',
          input: {},
        },
      ],
    }),
  },
  {
    description:
      'The next version of a repository fetched into the workspace, from its tags and commits',
    example: stringify({
      steps: [
        {
          id: 'version',
          action: 'shiplog:next-version',
          name: 'Next version',
          input: { repositoryPath: 'service', tagPrefix: 'v' },
        },
      ],
    }),
  },
  {
    description:
      'The next version from commit messages a previous step collected',
    example: stringify({
      steps: [
        {
          id: 'version',
          action: 'shiplog:next-version',
          name: 'Next version',
          input: {
            currentVersion: '1.4.2',
            commits: [
              'feat(api): list orders by customer',
              'fix: round totals',
            ],
          },
        },
      ],
    }),
  },
];
