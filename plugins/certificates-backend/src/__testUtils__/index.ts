export * from './fixtures';
export * from './harness';
export * from './noops';
export * from './testBackend';
