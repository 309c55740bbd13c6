/** `kafka-sim check`'s summary as a person reads it: a line per scenario and checker. Pure. */
import { type CheckSummary, reportedChecks, type ScenarioSummary, SWEEP_CHECKS } from './check-summary.js';

export interface CheckLine {
  readonly text: string;
  readonly tone: 'plain' | 'ok' | 'fail' | 'note';
}

/** Failing seeds shown on a checker's line; the rest are counted. */
const SHOWN_SEEDS = 8;
const NAME_WIDTH = Math.max(...SWEEP_CHECKS.map((c) => c.length)) + 2;
const INDENT = ' '.repeat(NAME_WIDTH + 4);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function scenarioLines(s: ScenarioSummary): CheckLine[] {
  const { seeds } = s;
  const range = `seeds ${seeds.first}..${seeds.last}${seeds.shard === undefined ? '' : ` shard ${seeds.shard}`}`;
  const lines: CheckLine[] = [
    {
      text: `${s.scenario} (${s.file}), ${range}: ${seeds.run} of ${seeds.count} run, ${s.failingSeeds} failing, ${s.seedsPerSecond} seeds/s`,
      tone: 'plain',
    },
  ];
  const checks = reportedChecks(s);
  for (const check of checks) {
    const failing = s.failing[check];
    const first = s.firstFailures[check];
    const name = `  ${check.padEnd(NAME_WIDTH)}`;
    if (failing === undefined || first === undefined) {
      lines.push({ text: `${name}held on ${plural(seeds.run, 'seed')}`, tone: 'ok' });
      continue;
    }
    const shown = failing.slice(0, SHOWN_SEEDS).join(', ');
    const rest = failing.length > SHOWN_SEEDS ? `, ... (${failing.length} in all)` : '';
    lines.push({ text: `${name}FAILED on ${plural(failing.length, 'seed')}: ${shown}${rest}`, tone: 'fail' });
    lines.push({ text: `${INDENT}seed ${first.seed}: ${first.text}`, tone: 'plain' });
    const shrunk = s.counterexamples.find((c) => c.check === check);
    lines.push({
      text:
        shrunk === undefined
          ? `${INDENT}replay: ${first.replay}`
          : `${INDENT}replay: ${shrunk.replay}  (${plural(shrunk.faults, 'fault')}, shrunk from seed ${shrunk.seed}; trace ${shrunk.traceHash})`,
      tone: 'note',
    });
  }
  return lines;
}

/** The summary's lines; `budget` is the --time-budget text, for the line that says it was spent. */
export function checkText(summary: CheckSummary, budget?: string): CheckLine[] {
  const lines = summary.scenarios.flatMap((s) => [...scenarioLines(s), { text: '', tone: 'plain' as const }]);
  const run = summary.scenarios.reduce((n, s) => n + s.seeds.run, 0);
  const planned = summary.scenarios.reduce((n, s) => n + s.seeds.count, 0);
  const failing = summary.scenarios.reduce((n, s) => n + s.failingSeeds, 0);
  const ran = `${run} of ${planned} seeds ran`;
  if (summary.interrupted === true) lines.push({ text: `interrupted: ${ran}`, tone: 'note' });
  if (summary.stoppedByBudget === true)
    lines.push({
      text: `time budget${budget === undefined ? '' : ` ${budget}`} spent: ${ran}`,
      tone: 'note',
    });
  if (summary.stoppedAtFirstFailure === true)
    lines.push({ text: `stopped at the first failing seed (--fail-fast): ${ran}`, tone: 'note' });
  lines.push(
    summary.verdict === 'pass'
      ? { text: `PASS: every expectation held on ${plural(run, 'seed')}`, tone: 'ok' }
      : { text: `FAIL: ${failing} of ${plural(run, 'seed')} failed an expectation`, tone: 'fail' },
  );
  return lines;
}
