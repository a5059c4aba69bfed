import type { RebuildProgress } from '../projections/rebuild/rebuild.ts';
import { formatCount } from './text-table.ts';

export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const phaseUnits: Record<string, string> = { reading: 'events', 'catching-up': 'events', verifying: 'rows' };

const seconds = (ms: number): string => {
  const total = Math.max(0, Math.round(ms / 1000));
  const two = (value: number) => String(value).padStart(2, '0');
  if (total >= 3600) return `${Math.floor(total / 3600)}h${two(Math.floor((total % 3600) / 60))}m`;
  return total >= 60 ? `${Math.floor(total / 60)}m${two(total % 60)}s` : `${total}s`;
};

/** Rate since the phase began, and the time left at that rate when the total is known. */
export const progressFigures = (progress: RebuildProgress, elapsedMs: number) => {
  const rate = elapsedMs > 0 ? (progress.done * 1000) / elapsedMs : 0;
  const left = progress.total === undefined ? undefined : Math.max(0, progress.total - progress.done);
  const etaMs = left === undefined || rate <= 0 ? undefined : (left / rate) * 1000;
  return { rate, etaMs };
};

export const progressLine = (label: string, progress: RebuildProgress, elapsedMs: number): string => {
  const unit = phaseUnits[progress.phase];
  if (!unit) return `${label}: ${progress.phase}`;
  const { rate, etaMs } = progressFigures(progress, elapsedMs);
  const count =
    progress.total === undefined
      ? `${formatCount(progress.done)} ${unit}`
      : `${formatCount(progress.done)}/${formatCount(progress.total)} ${unit} (${progress.total === 0 ? 100 : Math.floor((progress.done / progress.total) * 100)}%)`;
  const eta = etaMs === undefined ? '' : `, ETA ${seconds(etaMs)}`;
  return `${label}: ${progress.phase} ${count}, ${formatCount(Math.round(rate))} ${unit}/s${eta}`;
};

const bar = (progress: RebuildProgress, width: number): string => {
  if (progress.total === undefined || progress.total === 0) return '';
  const filled = Math.min(width, Math.round((progress.done / progress.total) * width));
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] `;
};

/**
 * Progress on stderr: on a terminal one bar redrawn in place (at most 10 times a second); otherwise a
 * plain line per phase and every `intervalMs` in between, for logs.
 */
export const progressReporter = (
  label: string,
  sink: ProgressSink,
  { intervalMs = 2_000, now = () => Date.now() } = {},
) => {
  let phase: string | undefined;
  let phaseStarted = now();
  let lastDrawn = 0;
  let last: RebuildProgress | undefined;
  let open = false;
  let lastShown: RebuildProgress | undefined;
  const draw = (progress: RebuildProgress) => {
    lastShown = progress;
    const line = progressLine(label, progress, now() - phaseStarted);
    if (sink.isTTY) {
      const text = `${bar(progress, 24)}${line}`.slice(0, Math.max(20, (sink.columns ?? 100) - 1));
      sink.write(`\r\x1b[2K${text}`);
      open = true;
    } else {
      sink.write(`${line}\n`);
    }
    lastDrawn = now();
  };
  return {
    update(progress: RebuildProgress) {
      const previous = last;
      last = progress;
      if (progress.phase !== phase) {
        // The phase's last figures, so a log shows how each phase ended.
        if (previous && phaseUnits[previous.phase] && previous !== lastShown) draw(previous);
        if (open) sink.write('\n');
        open = false;
        phase = progress.phase;
        phaseStarted = now();
        draw(progress);
        return;
      }
      const finished = progress.total !== undefined && progress.done >= progress.total;
      if (now() - lastDrawn >= (sink.isTTY ? 100 : intervalMs) || (finished && sink.isTTY)) draw(progress);
    },
    /** Ends the bar's line so what follows starts on a line of its own. */
    finish() {
      if (last && phaseUnits[last.phase] && last !== lastShown) draw(last);
      if (open) sink.write('\n');
      open = false;
    },
  };
};
