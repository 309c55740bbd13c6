import { readdirSync, readFileSync } from 'node:fs';
import { compileScenario } from '../scenario/compile.js';
import { packageInfo } from './package-info.js';
import type { Output } from './run-command.js';

/** `kafka-sim list`: the scenario library, one line each: name and the first line of its description. */
export function listCommand(io: Output): number {
  const folder = new URL('scenarios/', packageInfo().root);
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const rows = files.map((file) => {
    const scenario = compileScenario(`scenarios/${file}`, readFileSync(new URL(file, folder), 'utf8'));
    const first =
      scenario.description
        .trim()
        .split(/(?<=\.)\s/)[0]
        ?.replace(/\s+/g, ' ') ?? '';
    return { name: scenario.name, file: `scenarios/${file}`, summary: first };
  });
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  for (const row of rows) io.out(`${row.name.padEnd(width)}  ${row.summary}\n`);
  io.out(
    `\n${rows.length} scenarios in ${folder.pathname}; run one with: kafka-sim run scenarios/<name>.yaml\n`,
  );
  return 0;
}
