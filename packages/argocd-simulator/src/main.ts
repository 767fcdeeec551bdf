import { spawn } from 'child_process';
import { mkdirSync } from 'fs';
import { join, resolve } from 'path';
import { ArgoCdSimulator } from './simulator';
import { GitRepository } from './gitRepo';

/**
 * The demo's Argo CD: two instances (non-production with an API token, production with a local user
 * and session tokens) over the demo GitOps repository, which `git daemon` serves so promotions can push.
 *
 * Environment: SHIPLOG_GITOPS_DIR (folder holding gitops.git), ARGOCD_SIM_NONPROD_PORT (7010),
 * ARGOCD_SIM_PROD_PORT (7012), SHIPLOG_GIT_DAEMON_PORT (7011), ARGOCD_SIM_LATENCY_MS (0), ARGOCD_SIM_PROGRESS_MS (4000).
 */
async function main() {
  const dir = resolve(
    process.env.SHIPLOG_GITOPS_DIR ?? join(process.cwd(), '.data/gitops'),
  );
  mkdirSync(dir, { recursive: true });
  const gitPort = Number(process.env.SHIPLOG_GIT_DAEMON_PORT ?? 7011);
  const latencyMs = Number(process.env.ARGOCD_SIM_LATENCY_MS ?? 0);
  const daemon = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--listen=127.0.0.1',
      `--port=${gitPort}`,
      `--base-path=${dir}`,
      '--export-all',
      '--enable=receive-pack',
      dir,
    ],
    { stdio: 'inherit' },
  );
  const simulator = new ArgoCdSimulator({
    repository: new GitRepository(join(dir, 'gitops.git')),
    repoUrl: `git://localhost:${gitPort}/gitops.git`,
    manualEnvironments: ['prod'],
    multiSourceComponents: ['storefront'],
    progressMs: Number(process.env.ARGOCD_SIM_PROGRESS_MS ?? 4000),
    failingTag: /-broken$/,
    instances: [
      {
        name: 'nonprod',
        environments: ['dev', 'qa', 'stage'],
        token: 'shiplog-dev-argocd-token',
        latencyMs,
      },
      {
        name: 'prod',
        environments: ['prod'],
        username: 'admin',
        password: 'shiplog-dev-argocd-password',
        latencyMs,
      },
    ],
  });
  const urls = await simulator.start({
    nonprod: Number(process.env.ARGOCD_SIM_NONPROD_PORT ?? 7010),
    prod: Number(process.env.ARGOCD_SIM_PROD_PORT ?? 7012),
  });
  process.stdout.write(
    `argocd-simulator: ${Object.entries(urls)
      .map(([name, url]) => `${name} ${url}`)
      .join(', ')}; git daemon git://localhost:${gitPort}/ over ${dir}\n`,
  );
  const stop = async () => {
    daemon.kill();
    await simulator.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  daemon.on('exit', code => {
    process.stderr.write(`argocd-simulator: git daemon exited (${code})\n`);
  });
}

main().catch(error => {
  process.stderr.write(`argocd-simulator: ${error.stack ?? error}\n`);
  process.exit(1);
});
