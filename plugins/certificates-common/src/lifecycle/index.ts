export * from './certificateActions';
