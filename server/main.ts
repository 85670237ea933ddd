import { pino } from 'pino';
import { createRapport } from './app.ts';
import { loadConfig, usage } from './config.ts';
import { startDemo } from './demo/replay.ts';

const log = pino({ level: process.env.RAPPORT_LOG_LEVEL ?? 'info' }, pino.destination(2));

// A request's failure must never take the process down with every live conversation in it: a promise
// nobody awaited is a bug to fix, so it is logged at the loudest level, and the server keeps serving.
process.on('unhandledRejection', (reason: unknown) => {
  log.fatal({ err: reason }, 'unhandled promise rejection (a bug: please report it); the server keeps running');
});

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config.help) {
    console.log(`rapport server\n\n${usage()}`);
    return;
  }
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
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    stopDemo?.();
    await rapport.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  log.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
