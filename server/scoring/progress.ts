import cliProgress from 'cli-progress';
import type { ProgressInfo } from '@huggingface/transformers';

/** A terminal progress bar for first-time model downloads (nothing is drawn for local folders). */
export function downloadProgressBar(): { onProgress: (info: ProgressInfo) => void; stop: () => void } {
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(info) {
      if (info.status !== 'progress_total') return;
      bar ??= new cliProgress.SingleBar(
        { format: 'downloading {name} [{bar}] {percentage}% | {loadedMb}/{totalMb} MB', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      const payload = { name: info.name, loadedMb: (info.loaded / 1e6).toFixed(1), totalMb: (info.total / 1e6).toFixed(1) };
      if (!bar.isActive) bar.start(100, 0, payload);
      bar.update(Math.round(info.progress), payload);
    },
    stop: () => bar?.stop(),
  };
}
