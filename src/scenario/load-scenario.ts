/**
 * @module scenario/load-scenario
 * Loads a scenario file, resolves its failover config (inline, a path beside it, or an
 * override from `--config`) and checks that every name it uses is defined.
 */
import { DRILL_LIMITS, type DrillLimits } from './limits.js';
import { dirname, resolve } from 'node:path';
import { failoverConfigSchema, type FailoverConfig } from '../engine/config.js';
import { splitTarget } from '../engine/target.js';
import { applyPreset } from '../engine/presets.js';
import { InputError, type InputIssue } from '../errors.js';
import { formatDuration } from '../units.js';
import { expectedArrivals } from './arrival-rate.js';
import { locate, parseFile, type SourceFile } from './parse-file.js';
import { scenarioSchema, type ScenarioParsed } from './schema.js';
import { thousands } from '../unit-text.js';

/** A fully resolved scenario, ready to run. */
export interface Scenario extends Omit<ScenarioParsed, 'failover' | 'startsAt'> {
  readonly failover: FailoverConfig;
  /** Drill start, ms since the Unix epoch. */
  readonly startsAt: number;
  /** The scenario file it came from. */
  readonly file: string;
  /** The failover config file, when the config was not inline. */
  readonly configFile?: string;
}

/** The largest drill run without being asked to: bigger ones are bad input unless raised. */
export { DRILL_LIMITS, type DrillLimits } from './limits.js';

/** Options of {@link loadScenario}. */
export interface LoadOptions {
  /** A failover config file that replaces the scenario's own. */
  readonly configFile?: string;
  /**
   * The drill-size limits; `none` skips the size checks (for serving providers, which sends no
   * traffic). @defaultValue {@link DRILL_LIMITS}
   */
  readonly limits?: DrillLimits | 'none';
}

/** Loads and checks a failover config file on its own. */
export function loadFailoverConfig(file: string): { config: FailoverConfig; source: SourceFile } {
  const { value, source } = parseFile(file, failoverConfigSchema, (data) => {
    if (typeof data === 'object' && data !== null && 'traffic' in data && 'providers' in data)
      throw InputError.of(
        file,
        'is a scenario, not a failover config: --config takes a file like the failover: block of a scenario',
      );
    return applyPreset(data);
  });
  return { config: value, source };
}

/** Loads, validates and resolves a scenario; throws {@link InputError} on any problem. */
export function loadScenario(file: string, options: LoadOptions = {}): Scenario {
  const { value, source } = parseFile(file, scenarioSchema, (data) =>
    typeof data === 'object' && data !== null && 'failover' in data
      ? { ...data, failover: applyPreset(data.failover) }
      : data,
  );
  let config: FailoverConfig;
  let configSource: SourceFile | undefined;
  let configFile: string | undefined;
  if (options.configFile !== undefined) {
    configFile = options.configFile;
    ({ config, source: configSource } = loadFailoverConfig(configFile));
  } else if (typeof value.failover === 'string') {
    configFile = resolve(dirname(file), value.failover);
    ({ config, source: configSource } = loadFailoverConfig(configFile));
  } else {
    config = value.failover;
  }
  const issues = [
    ...crossCheck(value, config, source, configSource),
    ...(options.limits === 'none'
      ? []
      : checkSize(value, config, source, options.limits ?? DRILL_LIMITS)),
  ];
  if (issues.length > 0) throw new InputError(issues);
  const { startsAt, ...rest } = value;
  return {
    ...rest,
    // The inline config (or its path) is replaced by the resolved one.
    failover: config,
    startsAt: Date.parse(startsAt),
    file,
    ...(configFile === undefined ? {} : { configFile }),
  };
}

/** A drill that would send no request, or more than the limits allow. */
function checkSize(
  scenario: ScenarioParsed,
  config: FailoverConfig,
  source: SourceFile,
  limits: DrillLimits,
): InputIssue[] {
  const at = (path: (string | number)[], message: string): InputIssue => ({
    file: source.file,
    path,
    message,
    ...locate(source, path),
  });
  if (scenario.duration > limits.maxDurationMs)
    return [
      at(
        ['duration'],
        `${formatDuration(scenario.duration)} is longer than the ${formatDuration(limits.maxDurationMs)} a drill may last; raise it with --max-duration if it is meant`,
      ),
    ];
  const { arrivals, schedule } = scenario.traffic;
  const expected =
    arrivals === undefined
      ? (schedule ?? []).reduce((n, entry) => n + entry.count, 0)
      : expectedArrivals(arrivals, scenario.duration);
  // Health probes are requests to the providers too: one per target each interval.
  const check = config.healthCheck;
  const targets = new Set(
    Object.values(config.groups).flatMap((g) => g.targets.map((t) => `${t.provider}/${t.model}`)),
  );
  const trafficKey = ['traffic', arrivals === undefined ? 'schedule' : 'arrivals'];
  const probes = check === undefined ? 0 : (scenario.duration / check.interval) * targets.size;
  if (expected + probes > limits.maxRequests)
    return [
      at(
        trafficKey,
        `the drill would send about ${thousands(Math.round(expected + probes))} requests${probes > 0 ? ` (${thousands(Math.round(probes))} of them health probes)` : ''}, more than the ${thousands(limits.maxRequests)} allowed; raise it with --max-requests if it is meant`,
      ),
    ];
  if (expected < 1 && !scenario.traffic.allowNoRequests)
    return [
      at(
        trafficKey,
        `the drill would send ${expected === 0 ? 'no request' : `${Number(expected.toPrecision(2))} requests on average`} in ${formatDuration(scenario.duration)}, so it would measure nothing and pass every SLO; raise the rate or the duration, or set traffic.allowNoRequests: true if that is meant`,
      ),
    ];
  return [];
}

/** SLOs that name a provider or a target (`attempts.byTarget.primary/gpt-4o`) name one that exists. */
function checkSloTargets(
  scenario: ScenarioParsed,
  report: (path: (string | number)[], message: string) => void,
): void {
  scenario.slos.forEach((slo, i) => {
    if (slo.family !== 'attempts.byProvider' && slo.family !== 'attempts.byTarget') return;
    const named = String(slo.parameter);
    const [provider = '', model] = named.split('/');
    const spec = scenario.providers[provider];
    if (spec === undefined)
      report(
        ['slos', i],
        `${slo.metric}: provider "${provider}" is not defined (defined: ${Object.keys(scenario.providers).join(', ')})`,
      );
    else if (model !== undefined && spec.models[model] === undefined)
      report(
        ['slos', i],
        `${slo.metric}: provider "${provider}" has no model "${model}" (it has: ${Object.keys(spec.models).join(', ')})`,
      );
  });
}

/** Names used but not defined, and windows that make no sense. */
function crossCheck(
  scenario: ScenarioParsed,
  config: FailoverConfig,
  source: SourceFile,
  configSource: SourceFile | undefined,
): InputIssue[] {
  const issues: InputIssue[] = [];
  const at = (src: SourceFile, path: (string | number)[], message: string): void => {
    issues.push({ file: src.file, path, message, ...locate(src, path) });
  };
  // Paths into the config point at the config file, or at `failover:` when it is inline.
  const cfgSrc = configSource ?? source;
  const cfgPrefix: (string | number)[] = configSource === undefined ? ['failover'] : [];

  const providers = scenario.providers;
  const checkTarget = (
    provider: string,
    model: string | undefined,
    src: SourceFile,
    path: (string | number)[],
  ): void => {
    const spec = providers[provider];
    if (spec === undefined) {
      at(
        src,
        path,
        `provider "${provider}" is not defined in providers (defined: ${Object.keys(providers).join(', ') || 'none'})`,
      );
    } else if (model !== undefined && spec.models[model] === undefined) {
      at(
        src,
        path,
        `provider "${provider}" has no model "${model}" (it has: ${Object.keys(spec.models).join(', ')})`,
      );
    }
  };

  for (const [group, { targets, canary }] of Object.entries(config.groups)) {
    if (canary !== undefined) {
      checkTarget(canary.target.provider, canary.target.model, cfgSrc, [
        ...cfgPrefix,
        'groups',
        group,
        'canary',
        'target',
      ]);
    }
    targets.forEach((t, i) =>
      checkTarget(t.provider, t.model, cfgSrc, [...cfgPrefix, 'groups', group, 'targets', i]),
    );
  }
  const asked = [
    ...scenario.traffic.mix.map((entry, i) => ({ group: entry.group, path: ['mix', i] })),
    ...(scenario.traffic.schedule ?? []).map((entry, i) => ({
      group: entry.group,
      path: ['schedule', i],
    })),
  ];
  for (const { group, path } of asked) {
    if (config.groups[group] === undefined) {
      at(
        source,
        ['traffic', ...path, 'group'],
        `model group "${group}" is not defined in the failover config (defined: ${Object.keys(config.groups).join(', ') || 'none'})`,
      );
    }
  }
  scenario.traffic.schedule?.forEach((entry, i) => {
    if (entry.at >= scenario.duration)
      at(
        source,
        ['traffic', 'schedule', i, 'at'],
        'the request is scheduled after the drill ends: raise `duration` or move it earlier',
      );
  });
  scenario.faults.forEach((f, i) => {
    const { provider, model } = splitTarget(f.target);
    checkTarget(provider, model, source, ['faults', i, 'target']);
    if (f.for !== undefined && f.until !== undefined)
      at(source, ['faults', i, 'until'], 'give either "for" or "until", not both');
    if (f.until !== undefined && f.until <= f.at)
      at(source, ['faults', i, 'until'], '"until" must come after "at"');
    if (f.at >= scenario.duration)
      at(source, ['faults', i, 'at'], 'the fault starts after the drill ends');
  });
  checkSloTargets(scenario, (path, message) => at(source, path, message));
  if (scenario.duration <= 0) at(source, ['duration'], 'the drill must last longer than 0');
  return issues;
}
