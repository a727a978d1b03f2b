export * from './appPaths';
