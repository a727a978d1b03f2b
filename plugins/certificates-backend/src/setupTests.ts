// Store tests run on SQLite and on PostgreSQL, and some start a backend or a
// test Kubernetes API server: one timeout for the package's suites, so that
// each file does not set its own. Files that need longer still say so.
jest.setTimeout(60_000);
