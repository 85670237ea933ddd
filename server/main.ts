import { pino } from 'pino';
import { createRapport } from './app.ts';
import { loadConfig, usage } from './config.ts';
import { startDemo } from './demo/replay.ts';

const log = pino({ level: process.env.RAPPORT_LOG_LEVEL ?? 'info' }, pino.destination(2));

/** A shutdown that has not finished in this time (a dependency hanging) exits anyway. */
const SHUTDOWN_DEADLINE_MS = 8000;

// With Redis down, store calls fail at once instead of waiting; a handler that lets one escape must
// not take every live conversation down with it.
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection (the process goes on)'));

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config.help) {
    console.log(`rapport server\n\n${usage()}`);
    return;
  }
  // A signal during start-up stops at once: nothing has been accepted yet.
  let shutdown: (signal: string) => void = (signal) => {
    log.info({ signal }, 'stopped while starting');
    process.exit(0);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  const rapport = await createRapport(config, log.child({}, { level: config.logLevel }));
  let stopDemo: (() => void) | undefined;
  if (config.demo) {
    stopDemo = startDemo(rapport.ingest, log, { turnGapMs: 3500, staggerMs: 2500, pauseBetweenRoundsMs: 15_000 });
    const link = async (route: string, id: string, role: 'agent' | 'supervisor' | 'qa', name: string) =>
      `${rapport.url}/${route}?token=${await rapport.tokens.issue({ id, role, name })}`;
    console.log(
      [
        '',
        'Rapport demo is running. Sign in as:',
        `  agent Alice      ${await link('agent', 'alice', 'agent', 'Alice')}`,
        `  agent Wei (中文)  ${await link('agent', 'wei', 'agent', 'Wei')}`,
        `  supervisor       ${await link('supervisor', 'sam', 'supervisor', 'Sam (supervisor)')}`,
        `  QA               ${await link('qa', 'quinn', 'qa', 'Quinn (QA)')}`,
        '',
      ].join('\n'),
    );
  }
  shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    stopDemo?.();
    setTimeout(() => {
      log.error({ signal }, `shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    rapport.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
}

main().catch((error: unknown) => {
  // Plain text: this is what an operator reads when the server does not come up.
  console.error(`rapport: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
