import type { ScenarioRun } from '../scenario/run.js';
import type { ReportModel } from './model.js';
import { storyTime, tellStory, verdictTable } from './story.js';
import { timeLabel } from './svg.js';

/** A fenced block that no line of `text` can close. */
function fenced(text: string, info = 'text'): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${info}\n${text}\n${fence}`;
}

/** Markdown's inline code, for a name or a message that may hold backticks. */
const inline = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/**
 * The Markdown report: the run's facts, the verdict table, each violation with the events that
 * prove it, and the story in Kafka's words, as `kafka-sim run` prints it.
 */
export function reportMarkdown(run: ScenarioRun, model?: ReportModel): string {
  const checksMet = run.checks.filter((c) => c.met).length;
  const assertionsMet = run.assertions.filter((a) => a.passed).length;
  const verdict = run.verdict === 'pass' ? 'PASS' : 'FAIL';
  const out: string[] = [
    `# ${run.scenario.name}: ${verdict}`,
    '',
    ...run.scenario.description
      .trimEnd()
      .split('\n')
      .map((line) => `> ${line}`),
    '',
    '| | |',
    '|---|---|',
    `| verdict | ${verdict}: checks ${checksMet}/${run.checks.length} as expected, assertions ${assertionsMet}/${run.assertions.length} met |`,
    `| seed | ${run.seed} |`,
    `| trace hash | ${inline(run.traceHash)} |`,
    `| events | ${run.events} |`,
    `| simulated | ${timeLabel(run.scenario.duration)} |`,
    ...(model === undefined ? [] : [`| messages delivered | ${model.messages.delivered} |`]),
    '',
    `Replay: ${inline(`kafka-sim run ${run.scenario.file} --seed ${run.seed}`)}`,
    '',
    '## Verdicts',
    '',
    fenced(
      verdictTable(run)
        .map((l) => l.text)
        .join('\n'),
    ),
  ];
  for (const c of run.checks) {
    if (c.result.violations.length === 0) continue;
    out.push(
      '',
      `### ${c.result.name}: ${c.result.violations.length} violation${c.result.violations.length === 1 ? '' : 's'}${c.expected === 'violated' ? ' (expected)' : ''}`,
      '',
    );
    for (const v of c.result.violations) {
      out.push(`- ${inline(storyTime(v.time))} ${v.message}`);
      for (const e of v.events) {
        const what =
          e.kind === 'op'
            ? `${e.process} ${e.f} ${e.type} (op ${e.id})`
            : e.kind === 'replica-fact'
              ? `broker ${e.broker} ${e.what} of ${e.topic}-${e.partition} (replica fact ${e.index})`
              : e.kind === 'member-fact'
                ? `${e.process} ${e.what} (member fact ${e.index})`
                : `final state of ${e.topic}-${e.partition}${e.broker === null ? ' in ZooKeeper' : ` on broker ${e.broker}`}`;
        out.push(`  - ${inline(storyTime(e.time))} ${what}`);
      }
    }
  }
  out.push(
    '',
    '## Story',
    '',
    fenced(
      tellStory(run)
        .map((line) => `${storyTime(line.time)} ${line.text}`)
        .join('\n'),
    ),
    '',
    '## Files',
    '',
    '- `report.html`: open it in a browser (it needs no network): the space-time diagram, each',
    "  partition's leader, ISR, HW and LEO per replica over time, the verdicts linked to their",
    '  events, and a step-through of the run one event at a time.',
    '- `report.json`: what `kafka-sim run --json` prints, plus the timeline and the history (client',
    '  operations, replica, broker, group and member facts).',
    '',
  );
  return out.join('\n');
}
