// Preloaded with `node --import` by the start-up bench: prints the process's peak RSS, in KB,
// as the last line of stderr when it exits.
process.on('exit', () => {
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
});
