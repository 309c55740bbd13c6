import type { ScenarioRun } from '../scenario/run.js';
import { renderHtml } from './html.js';
import { reportMarkdown } from './markdown.js';
import { buildReportModel, type ModelOptions } from './model.js';
import { runSummary } from './summary.js';

export { reportHtml } from './html.js';
export { reportMarkdown } from './markdown.js';
export { buildReportModel, type ReportModel } from './model.js';
export { type RunSummary, runSummary } from './summary.js';

/** One file of a report: its name in the report's folder and its text. */
export interface ReportFile {
  readonly name: string;
  readonly text: string;
}

/**
 * report.json: what `kafka-sim run --json` prints (less the wall-clock time, so that a report is
 * the same byte for byte for the same seed), plus the scenario's timeline and the history.
 */
export function reportJson(run: ScenarioRun): string {
  return `${JSON.stringify(
    {
      ...runSummary(run),
      file: run.scenario.file,
      description: run.scenario.description,
      timeline: run.timeline,
      history: {
        clients: { ops: run.cluster.clients.ops, memberFacts: run.cluster.clients.memberFacts },
        cluster: {
          facts: run.cluster.history.facts,
          brokerFacts: run.cluster.history.brokerFacts,
          groupFacts: run.cluster.history.groupFacts,
        },
      },
    },
    null,
    1,
  )}\n`;
}

/**
 * The report of a run: report.json, report.md and report.html, as text. Pure: the CLI writes them.
 * The run's trace should keep messages (level `messages`) for the HTML's diagram.
 */
export function buildReport(run: ScenarioRun, options: ModelOptions = {}): ReportFile[] {
  const model = buildReportModel(run, options);
  return [
    { name: 'report.json', text: reportJson(run) },
    { name: 'report.md', text: reportMarkdown(run, model) },
    { name: 'report.html', text: renderHtml(run, model) },
  ];
}

/** The report's folder name: `<scenario>-<seed>`, with anything but [A-Za-z0-9._-] made `_`. */
export function reportFolderName(scenario: string, seed: number): string {
  return `${scenario.replace(/[^A-Za-z0-9._-]/g, '_')}-${seed}`;
}
