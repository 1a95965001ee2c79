#!/usr/bin/env node
// `npm test`: typecheck, lint, then every test file (unit, integration and browser) on the
// database DATABASE_URL names (PostgreSQL), or on the embedded database when it is unset.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);
const only = process.argv.slice(2);

function run(label, cmd, args, env = {}) {
  process.stdout.write(`\n# ${label}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    process.stdout.write(`\n# FAILED: ${label}\n`);
    process.exit(r.status ?? 1);
  }
}

function findTests(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(p, out);
    else if (/\.test\.tsx?$/.test(entry.name)) out.push(path.relative(root, p));
  }
  return out;
}

const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)';
if (only.length === 0 && !process.env.SOTAY_TEST_SKIP_STATIC) {
  run('typecheck (tsc --noEmit)', 'node', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
  run('lint (eslint)', 'node', ['node_modules/eslint/bin/eslint.js', '.']);
}
const files = only.length ? only : [...findTests('src'), ...findTests('test')].sort();
run(`prepare test databases on ${db}`, 'node', ['--import', 'tsx', 'test/kit/prepare.ts']);
run(`tests on ${db}: ${files.length} files`, 'node', ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=480000', ...files], { SOTAY_LOG_LEVEL: 'silent' });
