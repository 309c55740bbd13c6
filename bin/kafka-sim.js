#!/usr/bin/env node
// The installed command: runs the compiled CLI (built by `npm install` through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error(
    'kafka-sim: the CLI is not built yet; run `npm install` (or `npm run build`) in the kafka-sim folder.',
  );
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
