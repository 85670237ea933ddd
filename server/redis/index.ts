export { closeRedis, COMMAND_TIMEOUT_MS, connectRedis, CONNECT_DEADLINE_MS, describeUrl, isRedisUnavailable, type RedisClient } from './client.ts';
export { idSegment } from './keys.ts';
