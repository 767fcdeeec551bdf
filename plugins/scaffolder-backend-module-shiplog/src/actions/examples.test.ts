import { parse } from 'yaml';
import { z } from 'zod/v3';
import { bootstrapInputSchema } from '../bootstrap/options';
import { examples as bootstrapExamples } from './bootstrap.examples';
import { deployLabelsInputSchema } from './githubDeployLabels';
import { examples as deployLabelsExamples } from './githubDeployLabels.examples';
import { nextVersionInputSchema } from './nextVersion';
import { examples as nextVersionExamples } from './nextVersion.examples';
import { setImageInputSchema } from './setImage';
import { examples as setImageExamples } from './setImage.examples';

describe.each([
  ['shiplog:bootstrap', bootstrapExamples, bootstrapInputSchema(z)],
  ['shiplog:next-version', nextVersionExamples, nextVersionInputSchema(z)],
  ['shiplog:gitops:set-image', setImageExamples, setImageInputSchema(z)],
  [
    'shiplog:github:deploy-labels',
    deployLabelsExamples,
    deployLabelsInputSchema(z),
  ],
])('%s examples', (action, examples, schema: z.ZodTypeAny) => {
  it.each(examples.map(example => [example.description, example.example]))(
    '%s: a step of this action with valid input',
    (_, example) => {
      const [step] = parse(example).steps;
      expect(step.action).toBe(action);
      const result = schema.safeParse(step.input);
      expect(result.success ? [] : result.error.issues).toEqual([]);
    },
  );
});
