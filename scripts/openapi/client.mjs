// The frontend's generated client, in the layout Backstage's repo-tools gives catalog-client:
// `apis/Api.client.ts` (`DefaultApiClient`, one method per operation answering a typed Response),
// `models/`, `types/` (the discovery and fetch APIs it needs) and `pluginId.ts`.
import { docComment } from './types.mjs';
import {
  camelCase,
  modelFiles,
  modelImports,
  pascalCase,
} from './operations.mjs';

function requestType(operation) {
  const queryRequired = operation.queryParameters.some(p => p.required);
  const members = [
    operation.pathType && `path: ${operation.pathType};`,
    operation.bodyType &&
      `body${operation.bodyRequired ? '' : '?'}: ${operation.bodyType};`,
    operation.queryType &&
      `query${queryRequired ? '' : '?'}: ${operation.queryType};`,
  ].filter(Boolean);
  return `${docComment(undefined, ['@public'])}export type ${pascalCase(
    operation.name,
  )} = {\n${members.join('\n')}\n};\n`;
}

function uriExpression(operation) {
  const path = operation.path.replace(
    /\{([^}]+)\}/g,
    (_, name) => `\${encodeURIComponent(request.path.${name})}`,
  );
  const query = operation.queryType ? '${querySuffix(request.query)}' : '';
  return `\`${path}${query}\``;
}

function method(operation) {
  const doc = docComment(
    [operation.summary, operation.description].filter(Boolean).join('\n'),
  );
  const body = operation.bodyType
    ? '\n      body: JSON.stringify(request.body),'
    : '';
  return `${doc}public async ${camelCase(operation.name)}(
    request: ${pascalCase(operation.name)},
    options?: RequestOptions,
  ): Promise<TypedResponse<${operation.success}>> {
    const baseUrl = await this.discoveryApi.getBaseUrl(pluginId);
    const uri = ${uriExpression(operation)};
    return await this.fetchApi.fetch(\`\${baseUrl}\${uri}\`, {
      headers: {
        'Content-Type': 'application/json',
        ...(options?.token && { Authorization: \`Bearer \${options.token}\` }),
      },
      method: '${operation.method.toUpperCase()}',${body}
    });
  }
`;
}

function apiFile(operations, header) {
  return `${header}import { DiscoveryApi } from '../types/discovery';
import { FetchApi } from '../types/fetch';
import { pluginId } from '../pluginId';
${modelImports(operations, 'client')}
/**
 * Wraps the Response type to convey a type on the json call.
 *
 * @public
 */
export type TypedResponse<T> = Omit<Response, 'json'> & {
  json: () => Promise<T>;
};

/**
 * Options you can pass into a request for additional information.
 *
 * @public
 */
export interface RequestOptions {
  token?: string;
}

/** The query string of the defined values, with its \`?\`, or nothing. */
function querySuffix(query?: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.set(key, String(value));
  }
  const search = params.toString();
  return search ? \`?\${search}\` : '';
}

${operations.map(requestType).join('\n')}
/**
 * @public
 */
export class DefaultApiClient {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

${operations.map(method).join('\n')}}
`;
}

/** The client files, relative to the client's `generated` folder. */
export function clientFiles(document, operations, header, pluginId) {
  return {
    'apis/Api.client.ts': apiFile(operations, header),
    'apis/index.ts': `${header}export * from './Api.client';\n`,
    ...modelFiles(document, header),
    'types/discovery.ts': `${header}/** The part of Backstage's DiscoveryApi the client uses, so it needs no frontend package. */\nexport type DiscoveryApi = {\n  getBaseUrl(pluginId: string): Promise<string>;\n};\n`,
    'types/fetch.ts': `${header}/** The part of Backstage's FetchApi the client uses, so it needs no frontend package. */\nexport type FetchApi = {\n  fetch: typeof fetch;\n};\n`,
    'pluginId.ts': `${header}export const pluginId = ${JSON.stringify(
      pluginId,
    )};\n`,
    'index.ts': `${header}export * from './apis';\nexport * from './models';\n`,
  };
}
