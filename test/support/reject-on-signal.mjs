// Preloaded (node --import) into a Rapport process by test/integration/socket-fuzz.test.ts: on
// SIGUSR2 it leaves a rejected promise that nobody awaits, as a bug in a request handler would.
process.on('SIGUSR2', () => {
  Promise.reject(new Error('a promise nobody awaited'));
});
