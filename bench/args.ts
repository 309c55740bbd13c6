import { readFileSync } from 'node:fs';

/** What the benches share: their command-line values, the median they report, /proc reading. */

/** The value after `--name` on the command line, if any. */
export const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};

export const median = (values: readonly number[]): number => {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** Clock ticks per second of /proc's utime, stime, cutime and cstime: USER_HZ, 100 on every Linux build Node runs on. */
export const USER_HZ = 100;

/**
 * The fields of a /proc stat file (/proc/<pid>/stat, /proc/<pid>/task/<tid>/stat) after the
 * command name, which is in parentheses and may hold spaces: index 11 is utime, 13 cutime.
 */
export const procStatFields = (path: string): string[] => {
  const stat = readFileSync(path, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};
