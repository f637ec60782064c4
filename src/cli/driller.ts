/**
 * @module cli/driller
 * What a command drills: our engine natively (the default), or a `--subject` in virtual time.
 * Either way a drill takes a scenario and the drill options and gives a report, plus the files
 * it writes beside it (a subject's log).
 */
import type { Report } from '../report/report-schema.js';
import type { Scenario } from '../scenario/load-scenario.js';
import { runDrill, type DrillOptions } from '../simulator/run-drill.js';
import type { SubjectFlags } from './options.js';

/** One drill: its report, and the extra files to write beside it. */
export type Driller = (
  scenario: Scenario,
  options: DrillOptions,
) => Promise<{ readonly report: Report; readonly files: Readonly<Record<string, string>> }>;

/** The engine, natively. */
export const nativeDriller: Driller = async (scenario, options) => ({
  report: await runDrill(scenario, options),
  files: {},
});

/**
 * The driller for the flags: the subject is found, imported and its config read now, so a bad
 * `--subject` is refused before anything runs.
 */
export async function drillerFor(flags: SubjectFlags): Promise<Driller> {
  if (flags.subject === undefined) return nativeDriller;
  const { loadSubject, drillSubject } = await import('../subject/index.js');
  const subject = await loadSubject(flags.subject, flags.subjectConfig);
  return async (scenario, options) => {
    const { report, log } = await drillSubject(scenario, subject, options);
    return { report, files: log.length === 0 ? {} : { 'subject.log': `${log.join('\n')}\n` } };
  };
}
