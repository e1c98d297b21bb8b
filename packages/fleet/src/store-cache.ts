import { openStore, type ObjectStore } from '@ocpsum/storage';

/** One open store per root for the life of a process, so downloaded objects are reused across jobs. */
export class StoreCache {
  private readonly stores = new Map<string, ObjectStore>();

  get(root: string): ObjectStore {
    let store = this.stores.get(root);
    if (!store) {
      store = openStore(root);
      this.stores.set(root, store);
    }
    return store;
  }

  async close(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.close()));
    this.stores.clear();
  }
}
