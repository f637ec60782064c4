/**
 * @module unit-text
 * Durations and rates as people write them (`15m`, `250ms`, `5000/h`), read and written without
 * loading any schema library, so the CLI's flags and `--help` stay light.
 */

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min|m|h)\s*$/;
const RATE = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(ms|s|min|m|h)\s*$/;

/** Parses `250ms`, `2s`, `1.5m`, `1h` into milliseconds; `undefined` when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (match === null) return undefined;
  const unit = DURATION_UNITS[match[2] ?? ''];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/** Parses `5000/h`, `10/s` into requests per millisecond; `undefined` when malformed. */
export function parseRate(text: string): number | undefined {
  const match = RATE.exec(text);
  if (match === null) return undefined;
  const unit = DURATION_UNITS[match[2] ?? ''];
  return unit === undefined ? undefined : Number(match[1]) / unit;
}

/** Formats milliseconds the way a person writes them (`1h 2m`, `15m`, `1.5s`, `200ms`). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (abs < 1_000) return `${sign}${Math.round(abs * 100) / 100}ms`;
  if (abs < 60_000) return `${sign}${Math.round(abs / 10) / 100}s`;
  const totalSeconds = Math.round(abs / 1_000);
  const h = Math.floor(totalSeconds / 3_600);
  const m = Math.floor((totalSeconds % 3_600) / 60);
  const s = totalSeconds % 60;
  const parts = [h > 0 ? `${h}h` : '', m > 0 ? `${m}m` : '', s > 0 ? `${s}s` : ''].filter(
    (p) => p !== '',
  );
  return sign + parts.join(' ');
}

/**
 * A number with comma thousands separators and at most three decimals (`1,000,000`, `99.9`), as
 * `toLocaleString('en-US')` writes it, without loading ICU's locale data (8 MB of RSS at start-up).
 */
export function thousands(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const [whole = '0', fraction] = String(Math.round(Math.abs(n) * 1_000) / 1_000).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = n < 0 && (whole !== '0' || fraction !== undefined) ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}
