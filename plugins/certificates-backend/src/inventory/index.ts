export * from './router';
export * from './store';
export * from './parsing';
