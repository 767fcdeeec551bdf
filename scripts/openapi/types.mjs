// JSON Schema (as OpenAPI 3.0 uses it) to TypeScript type text, for the generated models and
// operation types. Covers what Shiplog's spec uses: $ref, enum, oneOf/anyOf, allOf, arrays, objects
// with properties and additionalProperties, nullable.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The name a `#/components/schemas/Name` reference points at. */
export function refName(ref) {
  const match = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
  if (!match)
    throw new Error(`Unsupported $ref ${ref}: only component schemas`);
  return match[1];
}

export function propertyKey(name) {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

/** A JSDoc comment for a description, or nothing. */
export function docComment(description, tags = []) {
  const lines = [
    ...(description ? description.trim().split('\n') : []),
    ...tags,
  ];
  if (!lines.length) return '';
  return `/**\n${lines.map(line => ` * ${line}`.trimEnd()).join('\n')}\n */\n`;
}

function literal(value) {
  return JSON.stringify(value);
}

function objectType(schema, refs) {
  const required = new Set(schema.required ?? []);
  const members = Object.entries(schema.properties ?? {}).map(
    ([name, property]) =>
      `${docComment(property.description)}${propertyKey(name)}${
        required.has(name) ? '' : '?'
      }: ${schemaToType(property, refs)};`,
  );
  const extra = schema.additionalProperties;
  if (extra && typeof extra === 'object') {
    members.push(`[key: string]: ${schemaToType(extra, refs)};`);
  } else if (!schema.properties && extra !== false) {
    members.push('[key: string]: unknown;');
  }
  return `{\n${members.join('\n')}\n}`;
}

function baseType(schema, refs) {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    refs.add(name);
    return name;
  }
  if (schema.enum) return schema.enum.map(literal).join(' | ');
  if (schema.oneOf || schema.anyOf) {
    return (schema.oneOf ?? schema.anyOf)
      .map(member => `(${schemaToType(member, refs)})`)
      .join(' | ');
  }
  if (schema.allOf) {
    return schema.allOf
      .map(member => `(${schemaToType(member, refs)})`)
      .join(' & ');
  }
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `Array<${schemaToType(schema.items ?? {}, refs)}>`;
    case 'object':
      return objectType(schema, refs);
    default:
      return schema.properties ? objectType(schema, refs) : 'unknown';
  }
}

/** The TypeScript type of a schema; names of the component schemas it references are added to `refs`. */
export function schemaToType(schema, refs) {
  const type = baseType(schema, refs);
  return schema.nullable ? `${type} | null` : type;
}

/** Whether a component schema is written as an interface (a plain object) rather than a type alias. */
export function isPlainObject(schema) {
  return (
    schema.type === 'object' &&
    !schema.nullable &&
    !schema.oneOf &&
    !schema.anyOf &&
    !schema.allOf &&
    !schema.enum
  );
}
