#!/usr/bin/env node
// The scaffolder module's tarball carries Shiplog's service template (templates/new-service), so an
// app registers it from node_modules. The portal keeps reading it from templates/ at the repository
// root; this copies it into the package for `yarn pack` (prepack) and removes the copy afterwards.
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'templates');
const target = join(
  root,
  'plugins/scaffolder-backend-module-shiplog/templates',
);

const command = process.argv[2];
if (command === 'copy') {
  rmSync(target, { recursive: true, force: true });
  cpSync(source, target, { recursive: true });
} else if (command === 'remove') {
  rmSync(target, { recursive: true, force: true });
} else {
  console.error('usage: node scripts/service-template.mjs <copy|remove>');
  process.exit(2);
}
