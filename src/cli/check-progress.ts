/** The progress bar of `kafka-sim check` on a terminal: seeds done, seeds per second, failures. */

export interface Progress {
  update(done: number, failing: number): void;
  stop(): void;
}

/** Shown when there is no terminal (or with --json): nothing. */
export const NO_PROGRESS: Progress = { update: () => {}, stop: () => {} };

/** A cli-progress bar on `stream` (loaded only here, so other commands never pay for it). */
export async function progressBar(stream: NodeJS.WritableStream, total: number): Promise<Progress> {
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        'checking [{bar}] {value}/{total} seeds | {rate} seeds/s | {failing} failing | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      // The command handles Ctrl-C itself, and stops the bar then.
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(total, 0, { rate: '0.0', failing: 0 });
  return {
    update(done, failing) {
      const seconds = (performance.now() - started) / 1000;
      bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '0.0', failing });
    },
    stop: () => bar.stop(),
  };
}
