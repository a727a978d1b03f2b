module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  testRules: {
    // Store suites run each test on every database through databaseSuite().
    'jest/no-standalone-expect': [
      'error',
      { additionalTestBlockFunctions: ['db.test'] },
    ],
    // Assertion helpers are named expect…: expectUntrusted, expectError.
    'jest/expect-expect': [
      'warn',
      { assertFunctionNames: ['expect', 'expect*'] },
    ],
  },
});
