import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../src/scenario/compile.js';
import { runScenario } from '../../src/scenario/run.js';

const folder = new URL('../../scenarios/', import.meta.url);
const files = readdirSync(folder)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('the scenario library', () => {
  it('has the teaching scenarios, each starting with the schema comment and a description', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      const text = readFileSync(new URL(file, folder), 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=./schema.json\n'), file).toBe(true);
      const scenario = compileScenario(`scenarios/${file}`, text);
      expect(scenario.name, file).toBe(file.replace(/\.yaml$/, ''));
      expect(scenario.description.length, file).toBeGreaterThan(100);
    }
  });

  for (const file of files) {
    it(`${file} meets its expectations`, () => {
      const scenario = compileScenario(`scenarios/${file}`, readFileSync(new URL(file, folder), 'utf8'));
      const run = runScenario(scenario, { trace: 'faults' });
      expect(run.assertions.filter((a) => !a.passed).map((a) => a.text)).toEqual([]);
      const unmet = run.checks
        .filter((c) => !c.met)
        .map((c) => `${c.result.name}: expected ${c.expected ?? 'holds'}, ${c.result.status}`);
      expect(unmet).toEqual([]);
      expect(run.verdict).toBe('pass');
    });
  }
});
