// @casegraph/testing: what the test suites of every app and library share (test documents,
// private databases and Redis servers, ports, waiters, proxies, spawned apps). Test code only:
// no production module imports it.
