// The operations of an OpenAPI document, with their parameters, body and responses resolved to
// TypeScript types: what the server's endpoint map and the client's methods are made from.
import { docComment, isPlainObject, schemaToType } from './types.mjs';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

function resolve(document, node, section) {
  if (!node?.$ref) return node;
  const match = new RegExp(`^#/components/${section}/([^/]+)$`).exec(node.$ref);
  const target = match && document.components?.[section]?.[match[1]];
  if (!target) throw new Error(`Cannot resolve ${node.$ref}`);
  return target;
}

function jsonSchemaOf(content) {
  const media = content?.['application/json'];
  return media?.schema;
}

export function pascalCase(name) {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export function camelCase(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function parameterGroup(parameters, location, refs) {
  const members = parameters
    .filter(parameter => parameter.in === location)
    .map(
      parameter =>
        `${docComment(parameter.description)}${parameter.name}${
          parameter.required ? '' : '?'
        }: ${schemaToType(parameter.schema ?? {}, refs)};`,
    );
  return members.length ? `{\n${members.join('\n')}\n}` : undefined;
}

function responseTypes(document, operation, refs, onlySuccess) {
  const types = [];
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    if (onlySuccess && !/^2\d\d$/.test(status)) continue;
    const schema = jsonSchemaOf(
      resolve(document, response, 'responses').content,
    );
    const type = schema ? schemaToType(schema, refs) : 'void';
    if (!types.includes(type)) types.push(type);
  }
  return types.length ? types.join(' | ') : 'void';
}

/**
 * Every operation of the document: its name (from `operationId`), method, path, and the TypeScript
 * types of its path and query parameters, body, all declared responses (`response`, what the server
 * may send) and its successful responses (`success`, what the client reads).
 */
export function operationsOf(document) {
  const operations = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (!operation.operationId) {
        throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      }
      const refs = new Set();
      const responseRefs = new Set();
      const successRefs = new Set();
      const parameters = [
        ...(item.parameters ?? []),
        ...(operation.parameters ?? []),
      ].map(parameter => resolve(document, parameter, 'parameters'));
      const body = operation.requestBody
        ? jsonSchemaOf(
            resolve(document, operation.requestBody, 'requestBodies').content,
          )
        : undefined;
      operations.push({
        name: operation.operationId,
        method,
        path,
        summary: operation.summary,
        description: operation.description,
        pathParameters: parameters.filter(p => p.in === 'path'),
        queryParameters: parameters.filter(p => p.in === 'query'),
        pathType: parameterGroup(parameters, 'path', refs),
        queryType: parameterGroup(parameters, 'query', refs),
        bodyType: body ? schemaToType(body, refs) : undefined,
        bodyRequired: Boolean(operation.requestBody?.required),
        response: responseTypes(document, operation, responseRefs, false),
        success: responseTypes(document, operation, successRefs, true),
        serverRefs: new Set([...refs, ...responseRefs]),
        clientRefs: new Set([...refs, ...successRefs]),
      });
    }
  }
  return operations;
}

/** One file per component schema, as `models/<Name>.model.ts`, and their index. */
export function modelFiles(document, header) {
  const files = {};
  const schemas = document.components?.schemas ?? {};
  const names = Object.keys(schemas).sort();
  for (const name of names) {
    const schema = schemas[name];
    const refs = new Set();
    const type = schemaToType(schema, refs);
    refs.delete(name);
    const imports = [...refs]
      .sort()
      .map(ref => `import { ${ref} } from './${ref}.model';\n`)
      .join('');
    const doc = docComment(schema.description, ['@public']);
    const declaration = isPlainObject(schema)
      ? `export interface ${name} ${type}`
      : `export type ${name} = ${type};`;
    files[
      `models/${name}.model.ts`
    ] = `${header}${imports}\n${doc}${declaration}\n`;
  }
  files['models/index.ts'] = `${header}${names
    .map(name => `export * from './${name}.model';\n`)
    .join('')}`;
  return files;
}

/** The import lines of the models an operation file uses. */
export function modelImports(operations, side) {
  const refs = new Set(
    operations.flatMap(operation => [...operation[`${side}Refs`]]),
  );
  return [...refs]
    .sort()
    .map(ref => `import { ${ref} } from '../models/${ref}.model';\n`)
    .join('');
}
