export * from './ownNames';
