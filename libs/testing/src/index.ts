// @casegraph/testing: what the test suites of every app and library share (test documents,
// private databases and Redis servers, a local S3 and a fake Textract, ports, waiters, proxies, spawned apps). Test code only:
// no production module imports it.
export * from './wait';
export * from './ports';
export * from './database';
export * from './redis-server';
export * from './tcp-proxy';
export * from './spawn-app';
export * from './project-rows';
export * from './documents';
export * from './fixtures';
export * from './legal-fixtures';
export * from './failure-policy';
export * from './s3-server';
export * from './fake-textract';
export * from './fake-chat-completions';
export * from './legacy';
