import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a generated event script with bash and real jq, with `curl` replaced by a stub that records
 * its arguments and the posted body, and returns what would have been sent to Shiplog.
 */
export function runEventScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): {
  body?: unknown;
  curlArgs?: string[];
  stderr: string;
  status: number | null;
} {
  const dir = mkdtempSync(join(tmpdir(), 'shiplog-event-'));
  try {
    writeFileSync(join(dir, 'event.sh'), script);
    const stub = join(dir, 'bin');
    spawnSync('mkdir', [stub]);
    writeFileSync(
      join(stub, 'curl'),
      `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/curl-args"\n`,
    );
    chmodSync(join(stub, 'curl'), 0o755);
    const child = spawnSync('bash', [join(dir, 'event.sh'), ...args], {
      env: { PATH: `${stub}:${process.env.PATH}`, ...env },
      encoding: 'utf8',
    });
    let curlArgs: string[] | undefined;
    let body: unknown;
    try {
      curlArgs = readFileSync(join(dir, 'curl-args'), 'utf8').split('\n');
      body = JSON.parse(curlArgs[curlArgs.indexOf('--data-binary') + 1]);
    } catch {
      // curl was not called: the script said why on stderr.
    }
    return { body, curlArgs, stderr: child.stderr, status: child.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
