export * from './AcmeStateStore';
export * from './FileAcmeStateStore';
