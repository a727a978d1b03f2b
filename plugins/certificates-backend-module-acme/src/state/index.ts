export * from './AcmeStateStore';
export * from './FileAcmeStateStore';
export * from './DatabaseAcmeStateStore';
