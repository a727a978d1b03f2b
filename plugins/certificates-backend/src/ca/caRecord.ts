import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { generateCa } from './caCertificates';
import { KeyEncryption } from './keyEncryption';

export const CA_TABLE = 'certificates_ca';

/** The built-in CA as stored: certificates, and private keys encrypted. */
export interface CaRow {
  id: string;
  root_certificate_pem: string;
  root_key_encrypted: string;
  issuing_certificate_pem: string;
  issuing_key_encrypted: string;
  created_at: string;
}

/** Insert-or-read, so that concurrent first starts agree on one CA. */
export async function loadOrCreateCa(options: {
  id: string;
  knex: Knex;
  /** Named in the subjects of the CA certificates. */
  organization: string;
  logger: LoggerService;
  encryption: KeyEncryption;
  now: Date;
}): Promise<CaRow> {
  const { knex, id, encryption, now } = options;
  const existing = await knex<CaRow>(CA_TABLE).where({ id }).first();
  if (existing) {
    return existing;
  }
  const generated = await generateCa({
    organization: options.organization,
    now,
  });
  await knex<CaRow>(CA_TABLE)
    .insert({
      id,
      root_certificate_pem: generated.rootCertificatePem,
      root_key_encrypted: encryption.encrypt(generated.rootKeyPkcs8),
      issuing_certificate_pem: generated.issuingCertificatePem,
      issuing_key_encrypted: encryption.encrypt(generated.issuingKeyPkcs8),
      created_at: now.toISOString(),
    })
    .onConflict('id')
    .ignore();
  generated.rootKeyPkcs8.fill(0);
  generated.issuingKeyPkcs8.fill(0);
  const stored = await knex<CaRow>(CA_TABLE).where({ id }).first();
  if (!stored) {
    throw new Error('The built-in CA could not be stored');
  }
  if (stored.root_certificate_pem === generated.rootCertificatePem) {
    options.logger.info('Created the built-in root and issuing CA');
  }
  return stored;
}

/**
 * Encrypts the CA's keys again with the current key when they were stored
 * with a previous one (or in the v1 format), so that the previous key can
 * be removed from the config. Compare-and-set: when instances start at once,
 * one writes and the others read what it wrote.
 */
export async function reencryptCaKeys(options: {
  knex: Knex;
  logger: LoggerService;
  encryption: KeyEncryption;
  row: CaRow;
}): Promise<CaRow> {
  const { knex, encryption, row } = options;
  if (
    encryption.isCurrent(row.root_key_encrypted) &&
    encryption.isCurrent(row.issuing_key_encrypted)
  ) {
    return row;
  }
  const rootKey = encryption.decrypt(row.root_key_encrypted);
  const issuingKey = encryption.decrypt(row.issuing_key_encrypted);
  const update = {
    root_key_encrypted: encryption.encrypt(rootKey),
    issuing_key_encrypted: encryption.encrypt(issuingKey),
  };
  rootKey.fill(0);
  issuingKey.fill(0);
  const updated = await knex<CaRow>(CA_TABLE)
    .where({
      id: row.id,
      root_key_encrypted: row.root_key_encrypted,
      issuing_key_encrypted: row.issuing_key_encrypted,
    })
    .update(update);
  if (updated) {
    options.logger.info(
      `Encrypted the built-in CA's keys again with the current key ${encryption.keyId}`,
    );
    return { ...row, ...update };
  }
  const current = await knex<CaRow>(CA_TABLE).where({ id: row.id }).first();
  if (!current) {
    throw new Error(
      'The built-in CA disappeared while its keys were re-encrypted',
    );
  }
  return current;
}
