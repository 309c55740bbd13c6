/**
 * JUnit XML for `kafka-sim check`, as CI servers read it (Jenkins, GitLab, GitHub annotations): one
 * <testsuite> per scenario, one <testcase> per checker. Pure: a string from the summary.
 */
import { type CheckSummary, ERROR, reportedChecks, type ScenarioSummary } from './check-summary.js';
import { escapeXml } from './xml.js';

export interface JUnitCase {
  readonly name: string;
  readonly classname: string;
  /** `error`: the code under test threw (JUnit's <error>); `failure`: an expectation did not hold. */
  readonly failure?: {
    readonly kind: 'failure' | 'error';
    readonly message: string;
    readonly type: string;
    readonly body: string;
  };
  readonly skipped?: string;
}

export interface JUnitSuite {
  readonly name: string;
  /** Seconds. */
  readonly time?: number;
  readonly properties: readonly (readonly [string, string])[];
  readonly cases: readonly JUnitCase[];
}

const attributes = (pairs: readonly (readonly [string, string | number])[]): string =>
  pairs.map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');

/** The document: a <testsuites> holding each suite. */
export function junitXml(name: string, suites: readonly JUnitSuite[]): string {
  const count = (f: (c: JUnitCase) => boolean) => suites.reduce((n, s) => n + s.cases.filter(f).length, 0);
  const failures = (c: JUnitCase) => c.failure?.kind === 'failure';
  const errors = (c: JUnitCase) => c.failure?.kind === 'error';
  const skipped = (c: JUnitCase) => c.skipped !== undefined;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes([
      ['name', name],
      ['tests', count(() => true)],
      ['failures', count(failures)],
      ['errors', count(errors)],
      ['skipped', count(skipped)],
    ])}>`,
  ];
  for (const suite of suites) {
    lines.push(
      `  <testsuite${attributes([
        ['name', suite.name],
        ['tests', suite.cases.length],
        ['failures', suite.cases.filter(failures).length],
        ['errors', suite.cases.filter(errors).length],
        ['skipped', suite.cases.filter(skipped).length],
        ...(suite.time === undefined ? [] : [['time', suite.time.toFixed(3)] as const]),
      ])}>`,
    );
    if (suite.properties.length > 0) {
      lines.push('    <properties>');
      for (const [k, v] of suite.properties)
        lines.push(
          `      <property${attributes([
            ['name', k],
            ['value', v],
          ])}/>`,
        );
      lines.push('    </properties>');
    }
    for (const c of suite.cases) {
      const head = `    <testcase${attributes([
        ['name', c.name],
        ['classname', c.classname],
      ])}`;
      if (c.failure !== undefined) {
        const f = c.failure;
        lines.push(
          `${head}>`,
          `      <${f.kind}${attributes([
            ['message', f.message],
            ['type', f.type],
          ])}>${escapeXml(f.body)}</${f.kind}>`,
          '    </testcase>',
        );
      } else if (c.skipped !== undefined)
        lines.push(`${head}>`, `      <skipped${attributes([['message', c.skipped]])}/>`, '    </testcase>');
      else lines.push(`${head}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/** Failing seeds listed in a failure's text before "and N more". */
const LISTED_SEEDS = 100;

function checkerCase(summary: ScenarioSummary, check: string): JUnitCase {
  const base = { name: check, classname: summary.scenario };
  const seeds = summary.failing[check];
  const first = summary.firstFailures[check];
  if (seeds === undefined || first === undefined)
    return summary.seeds.run === 0 ? { ...base, skipped: 'no seed ran' } : base;
  const listed = seeds.slice(0, LISTED_SEEDS).join(', ');
  const more = seeds.length > LISTED_SEEDS ? ` and ${seeds.length - LISTED_SEEDS} more` : '';
  const shrunk = summary.counterexamples.find((c) => c.check === check);
  const body = [
    `${check} failed on ${seeds.length} of ${summary.seeds.run} seeds: ${listed}${more}`,
    `seed ${first.seed}: ${first.text}`,
    `replay: ${first.replay}`,
    ...(shrunk === undefined ? [] : [`shrunk (${shrunk.faults} faults): ${shrunk.replay}`]),
  ].join('\n');
  return {
    ...base,
    failure: {
      kind: check === ERROR ? 'error' : 'failure',
      message: `${check} failed on ${seeds.length} of ${summary.seeds.run} seeds (first: seed ${first.seed}): ${first.text}`,
      type: check,
      body,
    },
  };
}

/** The JUnit report of a check: every checker (and `assertions`) of every scenario. */
export function checkJUnit(summary: CheckSummary): string {
  const suites = summary.scenarios.map((s): JUnitSuite => {
    const checks = reportedChecks(s);
    const seeds = s.seeds;
    return {
      name: s.scenario,
      ...(s.seedsPerSecond > 0 ? { time: seeds.run / s.seedsPerSecond } : {}),
      properties: [
        ['file', s.file],
        ['seeds', `${seeds.first}..${seeds.last}`],
        ...(seeds.shard === undefined ? [] : [['shard', seeds.shard] as const]),
        ['seeds.count', String(seeds.count)],
        ['seeds.run', String(seeds.run)],
        ['sweepHash', s.sweepHash],
        ...(summary.interrupted === true ? [['interrupted', 'true'] as const] : []),
        ...(summary.stoppedByBudget === true ? [['stoppedByBudget', 'true'] as const] : []),
        ...(summary.stoppedAtFirstFailure === true ? [['stoppedAtFirstFailure', 'true'] as const] : []),
      ],
      cases: checks.map((c) => checkerCase(s, c)),
    };
  });
  return junitXml('kafka-sim check', suites);
}
