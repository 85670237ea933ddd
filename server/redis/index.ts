export { closeRedis, connectRedis, CONNECT_DEADLINE_MS, isRedisUnavailable, type RedisClient } from './client.ts';
export { idSegment } from './keys.ts';
