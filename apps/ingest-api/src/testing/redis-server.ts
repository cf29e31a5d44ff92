// The private redis-server used by outage tests lives with the other Redis test servers.
export { PrivateRedis, freePort } from '../../../../libs/project-context/src/testing/redis-servers';
