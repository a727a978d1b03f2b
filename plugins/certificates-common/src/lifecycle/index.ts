export * from './certificateActions';
export * from './requestLink';
