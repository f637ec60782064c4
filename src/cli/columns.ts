/**
 * @module cli/columns
 * The columns of `compare` and `scorecard`: each `--config` (our engine under it), then each
 * `--subject`, in the order given. Every scenario is loaded and every subject imported before
 * anything runs, so bad input writes nothing.
 */
import { InputError } from '../errors.js';
import { configLabels } from '../report/compare.js';
import { loadScenario, type Scenario } from '../scenario/load-scenario.js';
import { drillLimits, type DrillLimitFlags } from './options.js';
import { drillerFor, nativeDriller, type Driller } from './driller.js';

/** The flags that choose the columns. */
export interface ColumnFlags extends DrillLimitFlags {
  /** A first column of our engine under each scenario's own config. */
  readonly own?: boolean;
  readonly config: readonly string[];
  readonly subject: readonly string[];
  readonly subjectConfig?: string;
}

/** A column's head: its label, what it drills, and the flags that drill it again. */
export interface ColumnHead {
  readonly label: string;
  /** The config file or the subject, as given. */
  readonly file: string;
  /** `--config FILE` or `--subject NAME [--subject-config FILE]`: what drills this column again. */
  readonly flags: readonly string[];
}

/** One column: what is drilled, on which scenarios, and how. */
export interface Column extends ColumnHead {
  readonly scenarios: readonly Scenario[];
  readonly drill: Driller;
}

/** The heads of the `--config` columns, then the `--subject` ones. */
export function columnHeads(
  options: Pick<ColumnFlags, 'config' | 'subject' | 'subjectConfig'>,
): ColumnHead[] {
  const labels = configLabels(options.config);
  return [
    ...options.config.map((file, k) => ({
      label: labels[k] ?? file,
      file,
      flags: ['--config', file],
    })),
    ...options.subject.map((subject) => ({
      label: subject,
      file: subject,
      flags: [
        '--subject',
        subject,
        ...(options.subjectConfig === undefined ? [] : ['--subject-config', options.subjectConfig]),
      ],
    })),
  ];
}

/**
 * The columns for these scenario files and flags; `fewest` columns or it is bad input. `loaded`:
 * the files as the command loaded them already, by the same flags, for its one column (`run`,
 * `check` and a shard check their input before they open a pool); they are not loaded again.
 */
export async function columnsOf(
  files: readonly string[],
  options: ColumnFlags,
  fewest: number,
  command: string,
  loaded?: readonly Scenario[],
): Promise<Column[]> {
  const total = (options.own === true ? 1 : 0) + options.config.length + options.subject.length;
  if (total < fewest)
    throw InputError.of(
      '--config',
      fewest === 1
        ? `${command} needs something to drill: --config FILE or --subject NAME, repeatable`
        : `${command} needs at least two columns: --config A --config B, --subject X --subject Y, or a mix`,
    );
  if (options.subjectConfig !== undefined && options.subject.length !== 1)
    throw InputError.of(
      '--subject-config',
      `configures the one --subject; ${options.subject.length} were given`,
    );
  const limits = drillLimits(options);
  const single = total === 1 ? loaded : undefined;
  // Each scenario under its own config: for the engine's own column and for every subject.
  const own =
    options.own === true || options.subject.length > 0
      ? (single ?? files.map((file) => loadScenario(file, { limits })))
      : [];
  const columns: Column[] =
    options.own === true
      ? [
          {
            label: 'engine',
            file: 'its own config',
            flags: [],
            scenarios: own,
            drill: nativeDriller,
          },
        ]
      : [];
  const heads = columnHeads(options);
  for (const [k, configFile] of options.config.entries())
    columns.push({
      ...heads[k]!,
      scenarios: single ?? files.map((file) => loadScenario(file, { configFile, limits })),
      drill: nativeDriller,
    });
  for (const [k, subject] of options.subject.entries()) {
    const subjectConfig =
      options.subjectConfig === undefined ? {} : { subjectConfig: options.subjectConfig };
    columns.push({
      ...heads[options.config.length + k]!,
      scenarios: own,
      drill: await drillerFor({ subject, ...subjectConfig }),
    });
  }
  return columns;
}
