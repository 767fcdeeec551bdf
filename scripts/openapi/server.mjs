// The backend's generated code, in the layout Backstage's repo-tools gives catalog-backend:
// `router.ts` (the spec as a constant and `createOpenApiRouter`), `apis/Api.server.ts` (one type per
// operation and the `EndpointMap` the typed router checks handlers against) and `models/`.
import { docComment } from './types.mjs';
import { modelFiles, modelImports, pascalCase } from './operations.mjs';

/** `delete` is a reserved word, so the typed router keys DELETE operations as `_delete`. */
const endpointMethod = method => (method === 'delete' ? '_delete' : method);

function operationType(operation) {
  const members = [
    operation.pathType && `path: ${operation.pathType};`,
    operation.bodyType && `body: ${operation.bodyType};`,
    operation.queryType && `query: ${operation.queryType};`,
    `response: ${operation.response};`,
  ].filter(Boolean);
  return `${docComment(operation.summary, ['@public'])}export type ${pascalCase(
    operation.name,
  )} = {\n${members.join('\n')}\n};\n`;
}

function apiFile(operations, header) {
  const types = operations.map(operationType).join('\n');
  const map = operations
    .map(
      operation =>
        `'#${endpointMethod(operation.method)}|${operation.path}': ${pascalCase(
          operation.name,
        )};`,
    )
    .join('\n');
  return `${header}${modelImports(
    operations,
    'server',
  )}\n${types}\n${docComment(undefined, [
    '@public',
  ])}export type EndpointMap = {\n${map}\n};\n`;
}

function routerFile(document, header) {
  return `${header}import { createValidatedOpenApiRouterFromGeneratedEndpointMap } from '@backstage/backend-openapi-utils';
import { EndpointMap } from './apis';

export const spec = ${JSON.stringify(document, null, 2)} as const;

export const createOpenApiRouter = async (
  options?: Parameters<
    typeof createValidatedOpenApiRouterFromGeneratedEndpointMap
  >['1'],
) =>
  createValidatedOpenApiRouterFromGeneratedEndpointMap<EndpointMap>(
    spec,
    options,
  );
`;
}

/** The server files, relative to `src/schema/openapi/generated`. */
export function serverFiles(document, operations, header) {
  return {
    'router.ts': routerFile(document, header),
    'apis/Api.server.ts': apiFile(operations, header),
    'apis/index.ts': `${header}export * from './Api.server';\n`,
    ...modelFiles(document, header),
    'index.ts': `${header}export * from './apis';\nexport * from './models';\nexport * from './router';\n`,
  };
}
