// Preloaded with `node --import` by the bench: prints the process's peak RSS, in KB, and the CPU
// time of all its threads, in ms, as the last line of stderr when it exits. Plain JavaScript: a
// TypeScript preload would load Node's type stripper into every measured process.
import process from 'node:process';
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(
    `max-rss-kb ${process.resourceUsage().maxRSS} cpu-ms ${Math.round((user + system) / 1_000)}\n`,
  );
});
