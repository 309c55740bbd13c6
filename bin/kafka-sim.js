#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'kafka-sim: the CLI is not built yet; run `npm install` (or `npm run build`) in the kafka-sim folder.',
  );
  process.exit(2);
}
const args = process.argv.slice(2);
const { followParent, relaunch, relaunchFlags, RELAUNCHED_ENV } = await import(
  new URL('../dist/src/cli/relaunch.js', import.meta.url).href
);
// A check whose workers fill every core runs in a node with V8 flags of its own (src/cli/relaunch.ts).
const relaunched = process.env[RELAUNCHED_ENV] !== undefined;
const flags = relaunched ? [] : relaunchFlags(args, availableParallelism(), process.execArgv);
if (flags.length > 0) process.exitCode = await relaunch(fileURLToPath(import.meta.url), args, flags);
else {
  if (relaunched) followParent();
  const { main } = await import(entry.href);
  process.exitCode = await main(args);
}
