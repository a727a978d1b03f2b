export { KubernetesApiSimulator } from './KubernetesApiSimulator';
export type {
  KubernetesApiSimulatorOptions,
  SimulatorDownMode,
} from './KubernetesApiSimulator';
export { FULL_ACCESS, READ_ONLY_ACCESS } from './access';
export type { AccessRule, SimulatorVerb, TokenAuthenticator } from './access';
export { awsIamTokenAuthenticator } from './awsIamToken';
export type { AwsIamTokenAuthenticatorOptions } from './awsIamToken';
export type { SimulatorRequestRecord } from './apiHandler';
export type { OptionalApiGroup } from './resources';
export type { KubernetesStatus } from './status';
export type { KubernetesObject, KubernetesObjectInput } from './store';
export {
  createCsr,
  createLeafCertificate,
  fixtureKeyPair,
  garbageSecret,
  keyMismatchSecret,
  testPki,
  tlsSecret,
} from './fixtures';
export type {
  FixtureHash,
  FixtureIssuer,
  FixtureKeyType,
  LeafCertificate,
  LeafCertificateOptions,
  SecretMeta,
  SecretObject,
  TestPki,
} from './fixtures';
