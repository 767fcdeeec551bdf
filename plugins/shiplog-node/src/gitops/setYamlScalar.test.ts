import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { setYamlScalar, YamlEditError } from './setYamlScalar';

const fixture = (name: string) =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

/** The bytes that differ between two strings, as [before, after] with the common prefix and suffix cut off. */
function changedRegion(before: string, after: string): [string, string] {
  let start = 0;
  while (start < before.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  return [
    before.slice(start, before.length - end),
    after.slice(start, after.length - end),
  ];
}

describe('setYamlScalar', () => {
  it.each([
    ['chart-defaults.yaml', 'image.tag', '1.5.0', '1.4.2', '1.5.0'],
    ['anchors.yaml', 'image.tag', '2.1.0', '"2.0.0"', '"2.1.0"'],
    ['anchors.yaml', 'sidecar.image.tag', 'v1.30.0', 'v1.29.1', 'v1.30.0'],
    ['flow-and-quotes.yaml', 'image.tag', '1.0.0', "'0.9.0'", "'1.0.0'"],
    ['crlf.yaml', 'image.tag', '3.2.0', '3.1.0', '3.2.0'],
  ])(
    '%s: %s changes only the scalar, keeping its quoting',
    (file, keyPath, value, oldBytes, newBytes) => {
      const source = fixture(file);
      const edit = setYamlScalar(source, keyPath, value);
      expect(edit.changed).toBe(true);
      expect(changedRegion(source, edit.content)).toEqual(
        changedRegion(oldBytes, newBytes),
      );
      expect(edit.content.length - source.length).toBe(
        newBytes.length - oldBytes.length,
      );
      // Everything else reads back the same.
      const before = parse(source);
      const after = parse(edit.content);
      let cursor = before;
      const path = keyPath.split('.');
      for (const segment of path.slice(0, -1)) cursor = cursor[segment];
      cursor[path[path.length - 1]] = value;
      expect(after).toEqual(before);
    },
  );

  it('keeps comments, blank lines and the rest of the file byte for byte', () => {
    const source = fixture('chart-defaults.yaml');
    const { content } = setYamlScalar(source, 'image.tag', '1.5.0');
    expect(content).toBe(
      source.replace('  tag: 1.4.2   #', '  tag: 1.5.0   #'),
    );
  });

  it('keeps CRLF line endings', () => {
    const { content } = setYamlScalar(
      fixture('crlf.yaml'),
      'image.tag',
      '4.0.0',
    );
    expect(content.split('\r\n')).toHaveLength(5);
    expect(content).toContain('  tag: 4.0.0\r\n');
  });

  it('keeps an anchor on the edited scalar, so its aliases follow', () => {
    const source = fixture('nested-containers.yaml');
    const { content } = setYamlScalar(
      source,
      'deployment.containers.0.image.tag',
      '6.0.0',
    );
    expect(changedRegion(source, content)).toEqual(['5.2', '6.0']);
    expect(content).toContain('tag: &appTag 6.0.0 # anchored');
    expect(parse(content).deployment.containers[1].image.tag).toBe('6.0.0');
  });

  it('quotes a value that would otherwise read back as a number or boolean', () => {
    const source = 'image:\n  tag: 1.9.0\n';
    expect(setYamlScalar(source, 'image.tag', '1.10').content).toBe(
      'image:\n  tag: "1.10"\n',
    );
    expect(setYamlScalar(source, 'image.tag', 'yes').content).toBe(
      'image:\n  tag: "yes"\n',
    );
    expect(setYamlScalar(source, 'image.tag', '1234567').content).toBe(
      'image:\n  tag: "1234567"\n',
    );
  });

  it('escapes inside single and double quotes', () => {
    expect(setYamlScalar("a:\n  b: 'x'\n", 'a.b', "it's").content).toBe(
      "a:\n  b: 'it''s'\n",
    );
    expect(setYamlScalar('a:\n  b: "x"\n', 'a.b', 'say "hi"').content).toBe(
      'a:\n  b: "say \\"hi\\""\n',
    );
  });

  it('reports no change when the value is already there', () => {
    const source = fixture('chart-defaults.yaml');
    const edit = setYamlScalar(source, 'image.tag', '1.4.2');
    expect(edit).toEqual({
      content: source,
      previous: '1.4.2',
      changed: false,
    });
  });

  it.each([
    [
      'chart-defaults.yaml',
      'image.digest',
      /key image.digest is missing; add it/,
    ],
    [
      'chart-defaults.yaml',
      'image',
      /image is a mapping; Shiplog edits only a scalar/,
    ],
    [
      'chart-defaults.yaml',
      'replicaCount.tag',
      /replicaCount is not a scalar, so it has no key "tag"/,
    ],
    ['anchors.yaml', 'image.pullPolicy', /from a << merge key/],
    [
      'anchors.yaml',
      'sidecar.copy.tag',
      /sidecar.copy is an alias \(\*sidecarImage\); edit the anchor &sidecarImage/,
    ],
    [
      'nested-containers.yaml',
      'deployment.containers.1.image.tag',
      /is an alias \(\*appTag\)/,
    ],
    [
      'nested-containers.yaml',
      'deployment.containers.5.image',
      /has 2 items, there is no item 5/,
    ],
    ['nested-containers.yaml', 'notes', /block scalar/],
    ['chart-defaults.yaml', 'image..tag', /not valid: use dot-separated keys/],
  ])('%s: refuses %s clearly', (file, keyPath, message) => {
    expect(() => setYamlScalar(fixture(file), keyPath, '9.9.9')).toThrow(
      message,
    );
  });

  it('refuses a file that is not YAML, and a multi-line value', () => {
    expect(() => setYamlScalar('image: [unclosed\n', 'image.tag', '1')).toThrow(
      YamlEditError,
    );
    expect(() =>
      setYamlScalar('image:\n  tag: 1\n', 'image.tag', '1\nevil: true'),
    ).toThrow(/one line/);
  });
});
