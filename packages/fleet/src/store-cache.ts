import { openStore, type ObjectStore } from '@ocpsum/storage';

/**
 * Open stores, one per root, so a run's downloaded objects (every chunk reads all storage files)
 * are fetched once per worker. The cache holds one run at a time: when a job of another run
 * starts and no job is in flight, the stores are closed and their downloads removed, so a
 * long-lived worker's disk use stays bounded by one run's input.
 */
export class StoreCache {
  private readonly stores = new Map<string, ObjectStore>();
  private runId: string | undefined;
  private inFlight = 0;

  /** The store for a job's root; call `release()` when the job is done with it. */
  async acquire(runId: string, root: string): Promise<ObjectStore> {
    if (runId !== this.runId && this.inFlight === 0) await this.close();
    this.runId = runId;
    this.inFlight++;
    let store = this.stores.get(root);
    if (!store) {
      store = openStore(root);
      this.stores.set(root, store);
    }
    return store;
  }

  release(): void {
    this.inFlight--;
  }

  async close(): Promise<void> {
    await Promise.all([...this.stores.values()].map((s) => s.close()));
    this.stores.clear();
  }
}
