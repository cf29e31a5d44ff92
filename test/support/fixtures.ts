// The shared fixtures folder and its gating now live in @casegraph/testing (libs/testing/src/fixtures.ts).
export { FIXTURES_DIR, describeWithFixtures, fixtureDocument, fixtureTextract, fixturesAvailable } from '../../libs/testing/src/fixtures';
