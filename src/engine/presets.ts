/**
 * @module engine/presets
 * Named starting points for a failover config, so a small config is enough: the config's own
 * keys override the preset's, option by option.
 * - `default`: the schema's defaults, for interactive chat with some patience.
 * - `fast-failover`: user-facing chat that would rather switch than wait.
 * - `patient`: batch work that would rather wait than pay for a dearer fallback.
 */
/** The sections a preset sets; each preset is checked against the config schema by a test. */
type PresetBody = Partial<
  Record<'retry' | 'timeout' | 'breaker', Readonly<Record<string, unknown>>>
>;

/** Every preset by name. */
export const PRESETS = {
  default: {},
  'fast-failover': {
    retry: { maxAttempts: 2, baseDelay: '100ms', maxDelay: '1s', retryAfterCap: '2s' },
    timeout: { attempt: '15s', total: '30s', firstToken: '5s', streamIdle: '10s' },
    breaker: { consecutiveFailures: 3, breakDuration: '15s', maxBreakDuration: '2m' },
  },
  patient: {
    retry: {
      maxAttempts: 5,
      baseDelay: '1s',
      maxDelay: '30s',
      jitter: 'decorrelated',
      retryAfterCap: '60s',
    },
    timeout: { attempt: '120s', total: '10m' },
    breaker: {
      kind: 'ratio',
      failureRatio: '50%',
      window: '60s',
      minimumThroughput: 20,
      breakDuration: '60s',
      maxBreakDuration: '10m',
    },
  },
} as const satisfies Record<string, PresetBody>;

/** A preset's name. */
export type PresetName = keyof typeof PRESETS;

const SECTIONS = ['retry', 'timeout', 'breaker'] as const;

/**
 * Merges the preset a raw config names under its own keys. Leaves anything that is not a
 * config with a known preset untouched, for the schema to judge.
 */
export function applyPreset(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const config = raw as Record<string, unknown>;
  const name = config.preset;
  if (typeof name !== 'string' || !Object.hasOwn(PRESETS, name)) return raw;
  const preset = PRESETS[name as PresetName] as PresetBody;
  const merged: Record<string, unknown> = { ...config };
  for (const section of SECTIONS) {
    const base = preset[section];
    if (base === undefined) continue;
    const own = config[section];
    merged[section] =
      typeof own === 'object' && own !== null && !Array.isArray(own)
        ? { ...base, ...own }
        : (own ?? base);
  }
  return merged;
}
