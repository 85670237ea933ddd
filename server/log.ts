import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/**
 * The server's logger, on stderr: readable lines on a terminal, JSON lines (for log collectors)
 * when stderr is not a terminal or when asked (--log-json).
 */
export function createLogger(o: { level: string; json: boolean }): Logger {
  if (o.json || !process.stderr.isTTY) return pino({ level: o.level }, pino.destination(2));
  // Synchronous, so log lines and the demo's printed links keep their order.
  return pino({ level: o.level }, PinoPretty({ destination: 2, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }));
}
