import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';

/**
 * A query that asks the pool for a second connection while its own transaction holds one
 * can deadlock the process: with every connection held by such transactions (or by requests
 * queued behind their row locks), none is ever released. It happened: staff qualifying ten
 * bidders at once hung the api for good. The guard makes that mistake loud wherever it runs:
 * inside a transaction's callback, every statement must go through the transaction's manager.
 */
const openTransactions = new AsyncLocalStorage<ReadonlySet<DataSource>>();

export class NestedConnectionError extends Error {
  constructor(applicationName: string) {
    super(
      `${applicationName}: a statement asked the pool for another connection inside a transaction ` +
        'on the same pool (it can deadlock the pool under load); run it on the transaction’s manager',
    );
  }
}

type TransactionCallback = (...args: unknown[]) => unknown;

/**
 * Marks every transaction's callback on `dataSource`, and checks each connection its pool
 * hands out. `onViolation`: throw (development and tests) or report and go on (production,
 * where a slow request beats a failed one).
 */
export function guardNestedConnections(
  dataSource: DataSource,
  onViolation: 'throw' | ((error: NestedConnectionError) => void),
): DataSource {
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  manager.transaction = ((...args: unknown[]) => {
    // (callback) or (isolation level, callback); DataSource.transaction passes both, one undefined.
    const at = typeof args[0] === 'function' ? 0 : 1;
    const callback = args[at] as TransactionCallback;
    args[at] = (...callbackArgs: unknown[]) => {
      const open = new Set(openTransactions.getStore() ?? []).add(dataSource);
      return openTransactions.run(open, () => callback(...callbackArgs));
    };
    return transaction(...args);
  }) as typeof manager.transaction;

  const pool = (dataSource.driver as unknown as { master: { connect: (...args: unknown[]) => unknown } })
    .master;
  const connect = pool.connect.bind(pool);
  const applicationName = String(
    (dataSource.options as { applicationName?: string }).applicationName ?? 'ggzy',
  );
  pool.connect = (...args: unknown[]) => {
    if (openTransactions.getStore()?.has(dataSource)) {
      const error = new NestedConnectionError(applicationName);
      if (onViolation === 'throw') throw error;
      onViolation(error);
    }
    return connect(...args);
  };
  return dataSource;
}
