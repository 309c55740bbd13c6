/** What the benches share: their command-line values and the median they report. */

/** The value after `--name` on the command line, if any. */
export const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};

export const median = (values: readonly number[]): number => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};
