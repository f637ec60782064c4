/**
 * @module cli/node-version
 * The oldest Node the CLI runs on, as package.json's `engines` says (a test holds the two
 * together), and the check the CLI makes before anything else. An older Node lacks APIs the
 * commands use (`module.findPackageJSON`, `process.getBuiltinModule`) and
 * would end in a `TypeError` and a stack trace; run directly (`node dist/bin/failover-drill.js`
 * outside npm's scripts, which put the `node` dev dependency's Node 24 first on the PATH) it gets
 * one line saying what is needed instead.
 */

/** The oldest Node the CLI runs on: major, minor. */
export const NODE_MINIMUM = [22, 15] as const;

/** Why Node `version` (as `process.versions.node` gives it) cannot run the CLI, if it cannot. */
export function nodeTooOld(version: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor, needMinor] = NODE_MINIMUM;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `failover-drill needs Node ${needMajor}.${needMinor} or newer; this is Node ${version}. Run it through npm (npx failover-drill, npm run ...), whose scripts find the project's own Node 24, or install a newer Node`;
}
