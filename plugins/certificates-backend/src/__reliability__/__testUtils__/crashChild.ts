/*
 * A backend process for the SIGKILL runs of crashes.test.ts: it approves
 * one request (which issues it) and, at the planned point, says where it is
 * and stops dead until its parent kills it.
 *   CRASH_CHILD_INPUT='{"database":<knex config>,"cluster":{"url","token"},"requestId","crashAt"}'
 *   node -r @backstage/cli/config/nodeTransform.cjs crashChild.ts
 */
import knexFactory from 'knex';
import { writeSync } from 'node:fs';
import { approverCaller, CrashControl, startInstance } from './crashHarness';

async function main() {
  const input = JSON.parse(process.env.CRASH_CHILD_INPUT ?? '{}');
  const knex = knexFactory(input.database);
  const control = new CrashControl({ at: input.crashAt }, at => {
    writeSync(1, `CRASH ${at}\n`);
    // Stopped mid-call, connections and transactions open, until SIGKILL.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  });
  const instance = await startInstance({
    knex,
    cluster: input.cluster,
    control,
  });
  await instance.approvals.decide({
    caller: approverCaller(),
    requestId: input.requestId,
    decision: 'approve',
  });
  writeSync(1, `DONE ${control.ticks}\n`);
  await knex.destroy();
}

main().catch(error => {
  writeSync(2, `${error?.stack ?? error}\n`);
  process.exit(3);
});
