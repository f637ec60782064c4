// Preloaded with `node --import` by the start-up bench: prints the process's peak RSS, in KB,
// as the last line of stderr when it exits. Plain JavaScript: a TypeScript preload would load
// Node's type stripper into every measured process.
import process from 'node:process';
process.on('exit', () => {
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
