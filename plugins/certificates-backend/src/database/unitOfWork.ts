import { Knex } from 'knex';

declare const unitOfWork: unique symbol;

/**
 * Writes of several stores that commit together or not at all, as the
 * services hold them: opaque, handed from store call to store call. Only
 * store implementations open it (transactionOf), so a service cannot run
 * SQL of its own in it, nor depend on which database it is.
 */
export type UnitOfWork = { readonly [unitOfWork]: 'UnitOfWork' };

/**
 * Wraps a transaction a store opened. The unit is the transaction itself,
 * only typed apart: nothing is allocated on the hot paths that pass it on.
 */
export function asUnitOfWork(trx: Knex.Transaction): UnitOfWork {
  return trx as unknown as UnitOfWork;
}

/** For store implementations: the transaction behind a unit of work. */
export function transactionOf(uow: UnitOfWork): Knex.Transaction;
export function transactionOf(
  uow: UnitOfWork | undefined,
): Knex.Transaction | undefined;
export function transactionOf(
  uow: UnitOfWork | undefined,
): Knex.Transaction | undefined {
  return uow as unknown as Knex.Transaction | undefined;
}

/** Runs `fn` in one database transaction of `knex`: all its writes commit or none. */
export function runInUnitOfWork<T>(
  knex: Knex,
  fn: (uow: UnitOfWork) => Promise<T>,
): Promise<T> {
  return knex.transaction(trx => fn(asUnitOfWork(trx)));
}
