import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../src/checks/types.js';
import { checkSummary, type SeedOutcome } from '../../src/report/check-summary.js';
import { checkJUnit, junitXml } from '../../src/report/junit.js';
import { escapeXml } from '../../src/report/xml.js';
import { testcases, unescapeXml, xmlProblems } from '../cli/check-xml.js';

const runs = { numRuns: Number(process.env.FC_RUNS ?? 300) };

const outcome = (seed: number, failures: SeedOutcome['failures']): SeedOutcome => ({
  seed,
  traceHash: `h${seed}`,
  failures,
  events: 10,
});

const scenario = (name: string, outcomes: SeedOutcome[]) => ({
  scenario: name,
  file: `scenarios/${name}.yaml`,
  first: 1,
  last: 5,
  count: 5,
  outcomes,
  wallMs: 2000,
  counterexamples: [],
});

describe('JUnit XML', () => {
  it('escapes markup and drops what XML forbids, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const xml = junitXml(text, [
          {
            name: text,
            properties: [[text, text]],
            cases: [
              {
                name: text,
                classname: text,
                failure: { kind: 'failure', message: text, type: text, body: text },
              },
            ],
          },
        ]);
        expect(xmlProblems(xml)).toEqual([]);
        // Nothing XML forbids is left: no control byte, no U+FFFE/F, no surrogate outside a pair.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML forbids.
        expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
        expect(xml).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        // What XML allows comes back unchanged.
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML forbids.
        if (!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/.test(text))
          expect(testcases(xml)[0]?.failure).toBe(text);
      }),
      runs,
    );
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    expect(escapeXml('bell\u0007 pair \uD83D\uDE00 lone \uD83D')).toBe(
      'bell\uFFFD pair \uD83D\uDE00 lone \uFFFD',
    );
  });

  it('has a testsuite per scenario and a testcase per checker and assertions, failures for what failed', () => {
    const summary = checkSummary([
      scenario('alpha & <beta>', [
        outcome(1, []),
        outcome(2, [
          { check: 'lost-write', text: 'lost <offset 3> & "acked"' },
          { check: 'assertions', text: 'line 9: leader 2' },
        ]),
        outcome(3, [{ check: 'lost-write', text: 'lost again' }]),
      ]),
      scenario('gamma', [outcome(1, [])]),
    ]);
    const xml = checkJUnit(summary);
    expect(xmlProblems(xml)).toEqual([]);
    expect([...xml.matchAll(/<testsuite /g)]).toHaveLength(2);
    const cases = testcases(xml);
    const names = [...CHECK_NAMES, 'assertions'];
    expect(cases.map((c) => c.name)).toEqual([...names, ...names]);
    expect(new Set(cases.slice(0, names.length).map((c) => c.classname))).toEqual(
      new Set(['alpha & <beta>']),
    );
    expect(cases.filter((c) => c.failure !== undefined).map((c) => [c.classname, c.name])).toEqual([
      ['alpha & <beta>', 'lost-write'],
      ['alpha & <beta>', 'assertions'],
    ]);
    const lost = cases.find((c) => c.name === 'lost-write')?.failure;
    expect(lost).toContain('failed on 2 of 3 seeds (first: seed 2): lost <offset 3> & "acked"');
    // The body lists the failing seeds and the replay command.
    const body = unescapeXml(/<failure[^>]*>([\s\S]*?)<\/failure>/.exec(xml)?.[1] ?? '');
    expect(body).toContain('lost-write failed on 2 of 3 seeds: 2, 3');
    expect(body).toContain(`replay: kafka-sim run 'scenarios/alpha & <beta>.yaml' --seed 2`);
    expect(xml).toMatch(/<testsuites name="kafka-sim check" tests="26" failures="2" errors="0" skipped="0">/);
  });

  it('reports a run that threw as an <error>, and a scenario with no seed run as skipped', () => {
    const summary = checkSummary([
      scenario('thrower', [outcome(4, [{ check: 'error', text: 'TypeError: boom' }])]),
      scenario('never', []),
    ]);
    const xml = checkJUnit(summary);
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain(
      '<error message="error failed on 1 of 1 seeds (first: seed 4): TypeError: boom" type="error">',
    );
    const cases = testcases(xml);
    expect(cases.filter((c) => c.classname === 'thrower').map((c) => c.name)).toContain('error');
    expect(xml.match(/<skipped message="no seed ran"\/>/g)).toHaveLength(CHECK_NAMES.length + 1);
  });
});
