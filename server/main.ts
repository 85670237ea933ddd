import { createRapport } from './app.ts';
import { loadConfig, usage } from './config.ts';
import { startDemo } from './demo/replay.ts';
import { demoWelcome } from './demo/welcome.ts';
import { createLogger } from './log.ts';

/** A shutdown that has not finished in this time (a dependency hanging) exits anyway. */
const SHUTDOWN_DEADLINE_MS = 8000;

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2));
  if (config.help) {
    console.log(`rapport server\n\n${usage()}`);
    return;
  }
  const log = createLogger({ level: config.logLevel, json: config.logJson });
  // A request's failure must never take the process down with every live conversation in it: a promise
  // nobody awaited is a bug to fix, so it is logged at the loudest level, and the server keeps serving.
  process.on('unhandledRejection', (reason: unknown) => {
    log.fatal({ err: reason }, 'unhandled promise rejection (a bug: please report it); the server keeps running');
  });
  // A signal during start-up stops at once: nothing has been accepted yet.
  let shutdown: (signal: string) => void = (signal) => {
    log.info({ signal }, 'stopped while starting');
    process.exit(0);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  const rapport = await createRapport(config, log);
  let stopDemo: (() => void) | undefined;
  if (config.demo) {
    stopDemo = startDemo(rapport.ingest, log, { turnGapMs: 3500, staggerMs: 2500, pauseBetweenRoundsMs: 15_000 });
    console.log(await demoWelcome(rapport.url, rapport.tokens));
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

/** A start-up failure as one sentence saying what to do, not a log record or a stack. */
function startupMessage(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { port?: number; address?: string };
  if (e?.code === 'EADDRINUSE') return `${e.address}:${e.port} is already in use: stop what listens there, or pass --port (0 picks a free one)`;
  if (e?.code === 'EADDRNOTAVAIL') return `${e.address} is not an address of this machine: pass --host 127.0.0.1, or 0.0.0.0 for every interface`;
  return error instanceof Error ? error.message : String(error);
}

main().catch((error: unknown) => {
  console.error(`rapport: ${startupMessage(error)}`);
  process.exit(1);
});
