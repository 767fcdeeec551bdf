import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  resolveValuesPath,
  setYamlScalar,
  YamlEditError,
} from '@shiplog/plugin-shiplog-node';
import { promises as fs } from 'node:fs';
import { z } from 'zod/v3';
import { IMAGE_TAG } from '../bootstrap/options';
import { examples } from './setImage.examples';
import { parseActionInput, repoPath, resolveWorkspacePath } from './workspace';

/** Inputs of `shiplog:gitops:set-image`. */
export function setImageInputSchema(zod: typeof z) {
  return zod
    .object({
      directory: zod
        .string()
        .default('.')
        .describe('Workspace directory of the GitOps repository checkout'),
      valuesPath: zod
        .string()
        .min(1)
        .describe(
          'Values file inside that directory; may use {{environment}} and {{component}} as in the shiplog.dev/values-path annotation',
        ),
      environment: zod
        .string()
        .optional()
        .describe('Fills {{environment}} in valuesPath'),
      component: zod
        .string()
        .optional()
        .describe('Fills {{component}} in valuesPath'),
      keyPath: zod
        .string()
        .default('image.tag')
        .describe(
          'Dot-separated key of the tag, as in the shiplog.dev/image-tag-path annotation',
        ),
      tag: zod
        .string()
        .regex(
          IMAGE_TAG,
          'must be an image tag: letters, digits, "_", "." or "-", at most 128',
        )
        .describe('The image tag to set, e.g. 1.5.0 or a commit sha'),
    })
    .strict();
}

/**
 * `shiplog:gitops:set-image`: sets the image tag in a Helm values file with the same byte-preserving
 * edit promotions use (only the scalar's bytes change; comments, order and quoting stay). Setting
 * the tag it already has changes nothing, so a retry is harmless.
 *
 * @public
 */
export function createShiplogSetImageAction() {
  return createTemplateAction({
    id: 'shiplog:gitops:set-image',
    description:
      'Sets the image tag in a GitOps values file, changing only that value',
    examples,
    supportsDryRun: true,
    schema: {
      input: zod => setImageInputSchema(zod),
      output: zod =>
        zod.object({
          path: zod
            .string()
            .describe('The edited file, relative to the workspace'),
          previousTag: zod.string().describe('The tag before the edit'),
          changed: zod
            .boolean()
            .describe('False when the file already had the tag'),
        }),
    },
    async handler(ctx) {
      const input = parseActionInput(setImageInputSchema(z), ctx.input);
      const directory = resolveWorkspacePath(
        ctx.workspacePath,
        input.directory,
        'directory',
      );
      let relativePath: string;
      try {
        relativePath = resolveValuesPath(input.valuesPath, {
          environment: input.environment ?? '{{environment}}',
          component: input.component ?? '{{component}}',
        });
      } catch (error) {
        throw new InputError(`valuesPath: ${(error as Error).message}`);
      }
      const file = resolveWorkspacePath(directory, relativePath, 'valuesPath');
      const source = await fs.readFile(file, 'utf8').catch(() => {
        throw new InputError(
          `valuesPath: ${repoPath(
            input.directory,
            relativePath,
          )} does not exist in the workspace`,
        );
      });
      let edit;
      try {
        edit = setYamlScalar(source, input.keyPath, input.tag);
      } catch (error) {
        if (error instanceof YamlEditError) {
          throw new InputError(`keyPath: ${error.message}`);
        }
        throw error;
      }
      if (edit.changed) {
        await fs.writeFile(file, edit.content, 'utf8');
      }
      const path = repoPath(input.directory, relativePath);
      ctx.logger.info(
        edit.changed
          ? `shiplog:gitops:set-image: ${path} ${input.keyPath} ${edit.previous} -> ${input.tag}`
          : `shiplog:gitops:set-image: ${path} ${input.keyPath} already ${input.tag}`,
      );
      ctx.output('path', path);
      ctx.output('previousTag', edit.previous);
      ctx.output('changed', edit.changed);
    },
  });
}
