import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { compileScenario } from '../scenario/compile.js';
import { packageInfo } from './package-info.js';
import type { Output } from './run-command.js';

interface Row {
  readonly name: string;
  readonly summary: string;
}

/** The scenarios of one folder: name and the first sentence of the description. */
function rowsOf(folder: URL, shownAs: string): Row[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => {
      const scenario = compileScenario(`${shownAs}${file}`, readFileSync(new URL(file, folder), 'utf8'));
      const first =
        scenario.description
          .trim()
          .split(/(?<=\.)\s/)[0]
          ?.replace(/\s+/g, ' ') ?? '';
      return { name: scenario.name, summary: first };
    });
}

/**
 * `kafka-sim list`: the scenario library, one line each: name and the first sentence of its
 * description; then the sweep configurations (scenarios/sweeps/, random faults for `check`).
 */
export function listCommand(io: Output): number {
  const folder = new URL('scenarios/', packageInfo().root);
  const library = rowsOf(folder, 'scenarios/');
  const sweeps = rowsOf(new URL('sweeps/', folder), 'scenarios/sweeps/');
  const width = Math.max(...[...library, ...sweeps].map((r) => r.name.length), 4);
  for (const row of library) io.out(`${row.name.padEnd(width)}  ${row.summary}\n`);
  io.out(
    `\n${library.length} scenarios in ${folder.pathname}; run one with: kafka-sim run scenarios/<name>.yaml\n`,
  );
  if (sweeps.length > 0) {
    io.out('\n');
    for (const row of sweeps) io.out(`${row.name.padEnd(width)}  ${row.summary}\n`);
    io.out(
      `\n${sweeps.length} sweep configurations (random faults per seed) in ${folder.pathname}sweeps/; sweep one with: kafka-sim check scenarios/sweeps/<name>.yaml --count 500\n`,
    );
  }
  return 0;
}
