export { InProcessQueue } from './in-process.ts';
export { DEFAULT_QUEUE_OPTIONS, RedisStreamQueue, shardOf, type RedisQueueOptions } from './redis-streams/index.ts';
export type { QueueStats, ShardStats, TurnHandler, TurnQueue } from './queue.ts';
