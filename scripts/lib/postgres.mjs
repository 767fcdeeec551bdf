// A throwaway PostgreSQL 15 cluster (fsync off, loopback only, a free port) for tests and checks.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.mjs';

const PG_BIN = process.env.SHIPLOG_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/**
 * Starts a cluster in `dir` (emptied first) and returns its connection string and a stop function,
 * or undefined when this machine has no PostgreSQL 15.
 */
export async function startThrowawayPostgres(dir) {
  if (!existsSync(join(PG_BIN, 'initdb'))) return undefined;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // initdb refuses to run as root: run it as the postgres user when we are root.
  const asRoot = process.getuid?.() === 0;
  const wrap = (bin, args) =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
      : [join(PG_BIN, bin), args];
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) return undefined;
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  const data = join(dir, 'data');
  const [initCmd, initArgs] = wrap('initdb', [
    '-D',
    data,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
  ]);
  if (spawnSync(initCmd, initArgs, { stdio: 'ignore' }).status !== 0)
    return undefined;
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=1GB`;
  const [ctlCmd, ctlArgs] = wrap('pg_ctl', [
    '-D',
    data,
    '-o',
    options,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  if (spawnSync(ctlCmd, ctlArgs, { stdio: 'ignore' }).status !== 0)
    return undefined;
  const stop = () => {
    const [stopCmd, stopArgs] = wrap('pg_ctl', [
      '-D',
      data,
      '-m',
      'immediate',
      'stop',
    ]);
    spawnSync(stopCmd, stopArgs, { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    connection: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    host: '127.0.0.1',
    port,
    stop,
  };
}
