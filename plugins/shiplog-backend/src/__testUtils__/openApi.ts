import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import express from 'express';
import { spec } from '../schema/openapi';

type Json = Record<string, unknown>;

/** The spec as generated from `src/schema/openapi.yaml`, as plain JSON. */
const document = JSON.parse(JSON.stringify(spec)) as Json;

/** Rewrites local `#/...` references so Ajv resolves them against the document registered as `openapi.json`. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        key === '$ref' && typeof value === 'string' && value.startsWith('#/')
          ? `openapi.json${value}`
          : rebase(value),
      ]),
    );
  }
  return node;
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(rebase(document) as Json, 'openapi.json');

const pointer = (...parts: string[]) =>
  parts.map(p => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Throws when a response does not match what the document declares for this route and status. */
export function expectToMatchOpenApi(
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): void {
  const operation = (
    (document.paths as Json)[pathTemplate] as Json | undefined
  )?.[method.toLowerCase()] as Json | undefined;
  if (!operation) throw new Error(`the spec has no ${method} ${pathTemplate}`);
  let response = (operation.responses as Json)[String(status)] as
    | Json
    | undefined;
  if (!response)
    throw new Error(
      `the spec declares no ${status} response for ${method} ${pathTemplate}`,
    );
  let ref = `#/paths/${pointer(
    pathTemplate,
    method.toLowerCase(),
  )}/responses/${status}`;
  if (typeof response.$ref === 'string') {
    ref = response.$ref;
    const name = ref.split('/')[3];
    response = ((document.components as Json).responses as Json)[name] as Json;
  }
  if (!response.content) return;
  const validate =
    ajv.getSchema(`openapi.json${ref}/content/application~1json/schema`) ??
    ajv.compile({
      $ref: `openapi.json${ref}/content/application~1json/schema`,
    });
  if (!validate(body)) {
    throw new Error(
      `${method} ${pathTemplate} ${status} does not match the spec: ${ajv.errorsText(
        validate.errors,
      )}\n${JSON.stringify(body, null, 2).slice(0, 2000)}`,
    );
  }
}

/** The routes the document declares, as `METHOD /path/{param}`. */
export function documentedRoutes(): string[] {
  return Object.entries(document.paths as Json).flatMap(([path, operations]) =>
    Object.keys(operations as Json).map(
      method => `${method.toUpperCase()} ${path}`,
    ),
  );
}

/** Served by Backstage's OpenAPI router itself: the spec, not a route of Shiplog's API. */
const SPEC_ROUTE = 'GET /openapi.json';

/** The routes an Express router serves, as `METHOD /path/{param}`. */
export function routerRoutes(router: express.Router): string[] {
  const routes: string[] = [];
  for (const layer of router.stack as Array<{
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: unknown };
  }>) {
    // A router mounted without a path (the OpenAPI router inside the body parser's) serves its routes as is.
    if (!layer.route && Array.isArray(layer.handle?.stack)) {
      routes.push(...routerRoutes(layer.handle as express.Router));
    }
    if (!layer.route) continue;
    for (const method of Object.keys(layer.route.methods)) {
      routes.push(
        `${method.toUpperCase()} ${layer.route.path.replace(
          /:(\w+)/g,
          '{$1}',
        )}`,
      );
    }
  }
  return routes.filter(route => route !== SPEC_ROUTE);
}
