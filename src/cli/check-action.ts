/**
 * @module cli/check-action
 * What `check` does: searches fault schedules for one that breaks the scenario's SLOs, writes the
 * shrunk counterexample and sets the exit code. Loaded only when `check` runs.
 */
import type { CheckOptions } from './check-command.js';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describeFault, searchBreach } from '../check/search.js';
import type { FaultInput } from '../check/arbitraries.js';
import { systemClock } from '../engine/runtime/system-clock.js';
import { HarnessError, InputError, SubjectRefusedError } from '../errors.js';
import { writeReportFiles } from '../report/write-report.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { checkSubjectFlags, drillLimits } from './options.js';
import { openPool, poolSetup } from './drill-pool.js';
import { createProgress } from './progress.js';
import { replayCommand } from './replay.js';
import { displayPath, ensureWritableDir } from './report-files.js';
import { EXIT } from './exit-codes.js';

/**
 * The scenario file with the found faults added to its own, as YAML: the original document with
 * its comments, a new name, and a failover path that still points at the same file.
 */
function counterexampleYaml(
  scenario: Scenario,
  faults: readonly FaultInput[],
  outDir: string,
  header: string,
): string {
  const document = parseDocument(readFileSync(scenario.file, 'utf8'));
  document.set('name', `${scenario.name}-counterexample`);
  const own = document.get('faults') as { toJSON?: () => unknown } | undefined;
  const existing: unknown = own?.toJSON?.();
  document.set('faults', [...(Array.isArray(existing) ? (existing as unknown[]) : []), ...faults]);
  const failover = document.get('failover');
  if (typeof failover === 'string' && !isAbsolute(failover)) {
    const target = resolve(dirname(scenario.file), failover);
    document.set('failover', relative(resolve(outDir), target));
  }
  document.commentBefore = header;
  return document.toString({ lineWidth: 100 });
}

/** Runs `check <scenario>`: the search, its progress line, and the counterexample file. */
export async function checkScenario(file: string, options: CheckOptions): Promise<void> {
  checkSubjectFlags(options);
  const scenario = loadScenario(file, {
    limits: drillLimits(options),
    ...(options.config === undefined ? {} : { configFile: options.config }),
  });
  const outDir = options.out ?? join('reports', scenario.name);
  ensureWritableDir(outDir);
  const seed = options.seed ?? scenario.seed;
  // check's --seed seeds the search; every try drills the scenario's own seed.
  const { seed: _search, ...drillFlags } = options;
  const { pool } = await openPool(poolSetup('check', [file], drillFlags), options.workers, [
    scenario,
  ]);
  const progress = createProgress(`check ${scenario.name}`);
  let result;
  try {
    result = await searchBreach(
      scenario,
      {
        runs: options.runs,
        seed,
        timeLimitMs: options.timeLimit,
        maxFaults: options.maxFaults,
        lookahead: pool.size,
        onRun: (done) => progress.update(Math.min(1, done / options.runs)),
        drill: async (faults) => {
          const drilled = await pool.drill({ row: 0, column: 0, seed: scenario.seed, faults });
          if (!('report' in drilled))
            throw new SubjectRefusedError(options.subject ?? '', drilled.refused);
          return drilled.report;
        },
      },
      systemClock,
    );
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new HarnessError(`check of ${scenario.name} failed (search seed ${seed})`, {
      cause: error,
    });
  } finally {
    progress.stop();
    await pool.close();
  }
  const rate = result.drills / Math.max(0.001, result.elapsedMs / 1_000);
  const speed = `${result.drills} drills in ${(result.elapsedMs / 1_000).toFixed(1)} s (${rate.toFixed(1)} drills/s)`;
  const breach = result.breach;
  if (breach === undefined) {
    process.stdout.write(
      `${scenario.name}: no fault schedule of up to ${options.maxFaults} faults broke an SLO in ${result.runs} tries${result.interrupted ? ' (stopped at the time limit)' : ''}; ${speed}; search seed ${seed}\n`,
    );
    process.exitCode = EXIT.ok;
    return;
  }
  const broken = breach.report.slos.filter((s) => !s.pass).map((s) => s.name);
  const yamlText = counterexampleYaml(
    scenario,
    breach.faults,
    outDir,
    ` Found by failover-drill check (search seed ${seed}): these faults break ${broken.join(', ')}.\n Replay it with failover-drill run.`,
  );
  const [written] = writeReportFiles(outDir, { 'counterexample.yaml': yamlText });
  const path = displayPath(written ?? join(outDir, 'counterexample.yaml'));
  const lines = [
    `${scenario.name}: found a fault schedule that breaks ${broken.join(', ')}`,
    `search seed ${seed}; ${speed}; the first breaking schedule (try ${result.runs} of ${options.runs}) had ${breach.firstFound.length} fault(s), shrunk in ${breach.shrinks} step(s) to ${breach.faults.length}:`,
    ...breach.faults.map((f) => `  - ${describeFault(f)}`),
    `written: ${path}`,
    `replay: ${replayCommand(path, scenario.seed, options.config, options)}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = EXIT.breached;
}
