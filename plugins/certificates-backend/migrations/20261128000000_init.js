// @ts-check

/**
 * Placeholder so that the migrations folder is never empty; the tables are
 * created by the migrations that follow.
 *
 * @param {import('knex').Knex} _knex
 */
exports.up = async function up(_knex) {};

/** @param {import('knex').Knex} _knex */
exports.down = async function down(_knex) {};
