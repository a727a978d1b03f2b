export * from './fixtures';
export * from './harness';
export * from './noops';
export * from './testBackend';
export * from './simulator';
export * from './inventoryApp';
