/** Shared by the scenario tests: a library file compiled, and the message a bad file gets. */
import { readFileSync } from 'node:fs';
import { compileScenario } from '../../src/scenario/compile.js';
import { ScenarioError } from '../../src/scenario/load.js';

/** scenarios/<name>.yaml, compiled. */
export const library = (name: string) =>
  compileScenario(
    `scenarios/${name}.yaml`,
    readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8'),
  );

/** The ScenarioError message compiling `text` (as s.yaml) gives, or 'no error'. */
export const compileError = (text: string): string => {
  try {
    compileScenario('s.yaml', text);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message;
    throw e;
  }
  return 'no error';
};
