export { shardOf } from './keys.ts';
export { DEFAULT_QUEUE_OPTIONS, RedisStreamQueue, type RedisQueueOptions } from './queue.ts';
