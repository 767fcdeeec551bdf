import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Groovy 4's jar, as npm-groovy-lint ships it for its CodeNarc runs. */
function groovyJar(): string {
  const lib = join(
    dirname(require.resolve('npm-groovy-lint')),
    'java/groovy/lib',
  );
  const jar = readdirSync(lib).find(file =>
    /^groovy-4\.[\d.]+\.jar$/.test(file),
  );
  if (!jar) throw new Error(`no Groovy 4 jar in ${lib}`);
  return join(lib, jar);
}

// Compiles each file to the conversion phase: Groovy's own parser builds the syntax tree, without
// resolving classes, which a Jenkinsfile's DSL steps would not have outside Jenkins.
const PARSE = `
args.each { path ->
  try {
    def unit = new org.codehaus.groovy.control.CompilationUnit()
    unit.addSource(new File(path))
    unit.compile(org.codehaus.groovy.control.Phases.CONVERSION)
    println("OK\\t" + path)
  } catch (org.codehaus.groovy.control.MultipleCompilationErrorsException error) {
    println("ERROR\\t" + path + "\\t" + error.message.replace('\\n', ' '))
  }
}
`;

/**
 * Parses Groovy sources (Jenkinsfiles) with the Groovy compiler, in one JVM for all of them, and
 * returns each one's syntax errors, empty when it parses.
 */
export function groovySyntaxErrors(
  files: Record<string, string>,
): Record<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-groovy-'));
  try {
    const paths = Object.keys(files).map((name, index) => {
      const path = join(dir, `File${index}.groovy`);
      writeFileSync(path, files[name]);
      return [name, path] as const;
    });
    const child = spawnSync(
      'java',
      [
        '-cp',
        groovyJar(),
        'groovy.ui.GroovyMain',
        '-e',
        PARSE,
        ...paths.map(([, path]) => path),
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (child.status !== 0) {
      throw new Error(`groovy failed: ${child.stderr || child.error}`);
    }
    const results = new Map(
      child.stdout
        .trim()
        .split('\n')
        .map(line => line.split('\t'))
        .map(([status, path, message]) => [
          path,
          status === 'OK' ? [] : [message],
        ]),
    );
    return Object.fromEntries(
      paths.map(([name, path]) => [name, results.get(path) ?? ['not parsed']]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
