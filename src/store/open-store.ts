import type { StoreSettings } from '../config/load-config';
import type { Store } from './store';
import { openReadOnlySqliteStore, openSqliteStore } from './sqlite/sqlite-store';
import type { SharedWriting } from './sqlite/sqlite-store';


/**
 * Builds the store named by `settings.type`; the only place that knows every implementation.
 * `shared`: the gate of a file another thread of the daemon writes too (SQLite), this side of it.
 */
export function openStore(settings: StoreSettings, shared?: SharedWriting): Promise<Store> {
  switch (settings.type) {
    case 'sqlite':
      return Promise.resolve(openSqliteStore(settings.path, shared));
  }
}

/**
 * Opens an existing store for reading only, without migrating it (for `explain` beside a running
 * daemon); an absent store answers as an empty one.
 */
export function openStoreReadOnly(settings: StoreSettings): Promise<Store> {
  switch (settings.type) {
    case 'sqlite':
      return Promise.resolve(openReadOnlySqliteStore(settings.path));
  }
}
