#!/usr/bin/env -S npx tsx
/**
 * aactl: the on-call CLI (region status, failover drills). Only wiring here; the commands live in
 * lib/ops/cli and the logic in lib/ops. Run with `npm run aactl -- <command>` or `npx tsx bin/aactl.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main, nodeCliDeps } from '../lib/ops/cli/main';

function packageVersion(): string {
  try {
    const json = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return json.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

void main(process.argv.slice(2), nodeCliDeps({ version: packageVersion(), env: process.env }));
