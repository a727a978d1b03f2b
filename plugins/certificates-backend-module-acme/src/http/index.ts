export * from './trust';
export * from './getText';
