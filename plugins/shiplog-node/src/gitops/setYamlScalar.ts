import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Node,
  parse,
  parseDocument,
  Scalar,
} from 'yaml';

/**
 * A values file refused for editing: the key path is missing, not a scalar, or the file is not YAML.
 * The message names the key path and says what to do.
 *
 * @public
 */
export class YamlEditError extends Error {
  readonly name = 'YamlEditError';
}

/** @public */
export interface YamlScalarEdit {
  /** The file with only the scalar's bytes replaced. */
  content: string;
  /** The scalar's value before the edit. */
  previous: string;
  /** False when the value already was the requested one (the content is then the input, unchanged). */
  changed: boolean;
}

function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a sequence';
  if (isAlias(node)) return `an alias (*${node.source})`;
  if (node === null || node === undefined) return 'empty';
  return 'not a scalar';
}

/** Walks `image.tag` or `containers.0.image`; numeric segments index sequences. */
function findScalar(doc: Document, keyPath: string): Scalar {
  const segments = keyPath.split('.');
  if (!keyPath || segments.some(segment => segment === '')) {
    throw new YamlEditError(
      `key path "${keyPath}" is not valid: use dot-separated keys such as image.tag`,
    );
  }
  let node: unknown = doc.contents;
  segments.forEach((segment, index) => {
    const walked = segments.slice(0, index).join('.') || '(document root)';
    if (isAlias(node)) {
      // Editing through an alias would change the anchored original and every other alias of it.
      throw new YamlEditError(
        `${walked} is an alias (*${node.source}); edit the anchor &${node.source} or give ${walked} its own value`,
      );
    }
    if (isMap(node)) {
      if (!node.has(segment)) {
        const merged = node.items.some(
          pair => isScalar(pair.key) && pair.key.value === '<<',
        );
        throw new YamlEditError(
          `key ${segments.slice(0, index + 1).join('.')} is missing${
            merged
              ? ' (it may come from a << merge key; set it explicitly in this mapping)'
              : ''
          }; add it to the values file first`,
        );
      }
      node = node.get(segment, true);
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const position = Number(segment);
      if (position >= node.items.length) {
        throw new YamlEditError(
          `${walked} has ${node.items.length} items, there is no item ${segment}`,
        );
      }
      node = node.items[position];
    } else {
      throw new YamlEditError(
        `${walked} is ${describe(
          node,
        )}, so it has no key "${segment}" (key path ${keyPath})`,
      );
    }
  });
  if (!isScalar(node) || isAlias(node)) {
    throw new YamlEditError(
      `${keyPath} is ${describe(
        node,
      )}; Shiplog edits only a scalar value such as tag: 1.2.3`,
    );
  }
  return node;
}

/** Would `value` read back as exactly this string when written plain (unquoted)? `1.10` would be a number. */
function survivesPlain(value: string): boolean {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.+\-/@]*$/.test(value)) return false;
  try {
    // Helm reads values as YAML 1.1, where `yes`, `on` and `0755` are not strings: check both versions.
    return (['1.1', '1.2'] as const).every(
      version => parse(`k: ${value}`, { version })?.k === value,
    );
  } catch {
    return false;
  }
}

function render(value: string, style: Scalar['type']): string {
  if (style === Scalar.QUOTE_SINGLE) return `'${value.replace(/'/g, "''")}'`;
  if (style === Scalar.PLAIN && survivesPlain(value)) return value;
  // JSON's escapes are a subset of YAML's double-quoted ones.
  return JSON.stringify(value);
}

/**
 * Sets the scalar at `keyPath` (e.g. `image.tag`) to `value` by replacing that scalar's bytes and nothing else:
 * comments, blank lines, key order, other quoting and anchors stay byte for byte. The quoting style is kept
 * unless the value would change type unquoted (`1.10`), in which case it is double-quoted.
 *
 * @public
 */
export function setYamlScalar(
  source: string,
  keyPath: string,
  value: string,
): YamlScalarEdit {
  if (/[\r\n]/.test(value) || value.length === 0 || value.length > 256) {
    throw new YamlEditError(
      `the new value for ${keyPath} must be one line of 1 to 256 characters`,
    );
  }
  const doc = parseDocument(source, { keepSourceTokens: true });
  if (doc.errors.length) {
    throw new YamlEditError(
      `the values file is not valid YAML: ${
        doc.errors[0].message.split('\n')[0]
      }`,
    );
  }
  const scalar = findScalar(doc, keyPath);
  if (
    scalar.type === Scalar.BLOCK_FOLDED ||
    scalar.type === Scalar.BLOCK_LITERAL
  ) {
    throw new YamlEditError(
      `${keyPath} is a block scalar (| or >); write it on one line (tag: 1.2.3) so Shiplog can edit it`,
    );
  }
  const previous = String(scalar.value ?? '');
  const [start, end] = scalar.range ?? [];
  if (start === undefined || end === undefined) {
    throw new YamlEditError(
      `${keyPath} has no value in the file; write one (tag: 0.0.0) first`,
    );
  }
  if (previous === value && typeof scalar.value === 'string') {
    return { content: source, previous, changed: false };
  }
  const content =
    source.slice(0, start) + render(value, scalar.type) + source.slice(end);
  // Belt and braces: the edit must read back as the value, with the rest of the document untouched.
  const check = parseDocument(content);
  const readBack: Node | unknown = check.getIn(keyPath.split('.'));
  if (check.errors.length || readBack !== value) {
    throw new YamlEditError(
      `editing ${keyPath} would not read back as "${value}"; edit the file by hand`,
    );
  }
  return { content, previous, changed: true };
}
