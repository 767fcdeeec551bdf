#!/usr/bin/env node
// `yarn dev`: the portal (backstage-cli repo start) and, beside it, the demo's Argo CD simulator with the
// git daemon serving the demo GitOps repository, and the demo's Slack stand-in. SHIPLOG_GITOPS_DIR (default .data/gitops) is shared by
// both: the backend's demo module seeds the repository there, the simulator watches it.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const gitopsDir = resolve(
  process.env.SHIPLOG_GITOPS_DIR ?? join(root, '.data/gitops'),
);
mkdirSync(gitopsDir, { recursive: true });
const env = { ...process.env, SHIPLOG_GITOPS_DIR: gitopsDir };

const children = [];
if (!process.env.SHIPLOG_NO_SIMULATOR) {
  children.push(
    spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        join(root, 'packages/argocd-simulator/src/main.ts'),
      ],
      { cwd: root, env, stdio: 'inherit' },
    ),
  );
  // The demo's Slack (SLACK_SIM_PORT, default 7014): the page at / shows each channel's threads.
  children.push(
    spawn(
      process.execPath,
      [
        '--require',
        '@backstage/cli/config/nodeTransform.cjs',
        join(root, 'packages/slack-simulator/src/main.ts'),
      ],
      { cwd: root, env, stdio: 'inherit' },
    ),
  );
}
// The demo's development-only values (tokens, secrets, simulated services) live in a file production
// never loads; without explicit --config arguments the portal starts with both files.
const args = process.argv.slice(2);
const configArgs = args.includes('--config')
  ? []
  : [
      '--config',
      join(root, 'app-config.yaml'),
      '--config',
      join(root, 'app-config.development.yaml'),
    ];
const portal = spawn(
  process.execPath,
  [
    join(root, '.yarn/releases/yarn-4.13.0.cjs'),
    'backstage-cli',
    'repo',
    'start',
    ...configArgs,
    ...args,
  ],
  { cwd: root, env, stdio: 'inherit' },
);
children.push(portal);

const stop = signal => {
  for (const child of children) child.kill(signal);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
portal.on('exit', code => {
  stop('SIGTERM');
  process.exit(code ?? 0);
});
