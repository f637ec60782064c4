/**
 * @module cli/cli-reference
 * `docs/reference/cli.md`: every command's `--help`, generated from the commander definitions
 * by `npm run schemas`, so the reference says exactly what the terminal says.
 */
import type { Command } from 'commander';
import { createProgram } from './main.js';

/** Help text width in the reference, whatever the terminal that generates it. */
const WIDTH = 100;

function helpOf(command: Command): string {
  let out = '';
  command.configureOutput({ writeOut: (text) => (out += text), getOutHelpWidth: () => WIDTH });
  command.configureHelp({ helpWidth: WIDTH });
  command.outputHelp();
  return out.trimEnd();
}

/** The CLI reference as Markdown. */
export function cliReference(): string {
  const program = createProgram();
  const sections = program.commands.map(
    (command) => `## ${command.name()}\n\n\`\`\`\n${helpOf(command)}\n\`\`\``,
  );
  return `# The commands' --help

<!-- Generated from the commander definitions by \`npm run schemas\`; edit src/cli/, not this file. -->

What \`failover-drill <command> --help\` prints, for every command. The guide with examples is
[the commands](../cli.md).

\`\`\`
${helpOf(program)}
\`\`\`

${sections.join('\n\n')}
`;
}
