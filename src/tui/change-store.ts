import type { Vault } from '../porcelain/openVault.js';
import { snapshotChanges, type ChangeCounts, type SnapshotChanges, type TreeCache } from '../porcelain/timeline.js';

/** What the store knows at one moment: a new object each time it learns more (React compares identities). */
export interface ChangeView {
  get(id: string): SnapshotChanges | Error | undefined;
  /** how many snapshots are known */
  readonly size: number;
}

/**
 * What each snapshot changed against its first parent, computed one snapshot at a time and kept:
 * the rows on screen first (change counts, thumbnails), then whatever a path filter still needs.
 * Neighbouring snapshots share trees, so flattened trees are cached too.
 */
export class ChangeStore {
  private readonly done = new Map<string, SnapshotChanges | Error>();
  private urgent: string[] = [];
  private background: string[] = [];
  private running = false;
  private closed = false;
  private readonly listeners = new Set<() => void>();
  /** an urgent snapshot is being computed */
  private urgentNow = false;
  /** waiting in `idle()` */
  private idlers: (() => void)[] = [];
  private readonly trees: TreeCache = new Map();
  private notifyTimer: ReturnType<typeof setTimeout> | null = null;
  private current: ChangeView = this.snapshot();

  constructor(private readonly vault: Vault) {}

  private snapshot(): ChangeView {
    const done = this.done;
    return { get: (id) => done.get(id), size: done.size };
  }

  /** what is known now (the same object until the store learns more): for useSyncExternalStore */
  readonly view = (): ChangeView => this.current;

  get(id: string): SnapshotChanges | Error | undefined {
    return this.done.get(id);
  }

  /** how many snapshots are known */
  get size(): number {
    return this.done.size;
  }

  /** compute these first (the rows on screen); replaces the previous urgent list */
  want(ids: readonly string[]): void {
    this.urgent = ids.filter((id) => !this.done.has(id));
    this.run();
  }

  /** compute these when nothing urgent is waiting (a path filter over the loaded history) */
  wantLater(ids: readonly string[]): void {
    this.background = ids.filter((id) => !this.done.has(id));
    this.run();
  }

  /**
   * Resolves when nothing urgent is left (the rows on screen have their changes): lower-priority reading waits for it.
   */
  readonly idle = (): Promise<void> => {
    if (this.closed || (!this.urgent.length && !this.urgentNow)) return Promise.resolve();
    return new Promise((r) => this.idlers.push(r));
  };

  private settle(): void {
    if (!this.closed && (this.urgent.length || this.urgentNow)) return;
    const waiting = this.idlers;
    this.idlers = [];
    for (const r of waiting) r();
  }

  readonly subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  close(): void {
    this.closed = true;
    this.urgent = [];
    this.background = [];
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.settle();
  }

  /** tell listeners, at most every 50 ms while work goes on, at once when it ends */
  private notify(now: boolean): void {
    if (this.closed) return;
    const fire = () => {
      this.notifyTimer = null;
      this.current = this.snapshot();
      for (const l of this.listeners) l();
    };
    if (now) {
      if (this.notifyTimer) clearTimeout(this.notifyTimer);
      fire();
    } else if (!this.notifyTimer) this.notifyTimer = setTimeout(fire, 50);
  }

  private next(): string | undefined {
    for (const list of [this.urgent, this.background]) {
      while (list.length) {
        const id = list.shift()!;
        this.urgentNow = list === this.urgent;
        if (!this.done.has(id)) return id;
      }
    }
    this.urgentNow = false;
    return undefined;
  }

  private run(): void {
    if (this.running || this.closed) return;
    this.running = true;
    void (async () => {
      try {
        for (let id = this.next(); id && !this.closed; id = this.next()) {
          const c = await snapshotChanges(this.vault, id, this.trees).catch((e: Error) => e);
          this.done.set(id, c);
          this.urgentNow = false;
          this.notify(!this.urgent.length && !this.background.length);
          this.settle();
          // let keys and frames in between snapshots: reads served from memory resolve as microtasks,
          // which would otherwise hold off every render until the whole list is done
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        this.running = false;
        this.urgentNow = false;
        this.settle();
      }
    })();
  }
}

/** Change counts of these snapshots, for those the store knows ('error' when reading one failed). */
export function countsOf(store: ChangeView, ids: readonly string[]): Map<string, ChangeCounts | 'error'> {
  const counts = new Map<string, ChangeCounts | 'error'>();
  for (const id of ids) {
    const c = store.get(id);
    if (c)
      counts.set(
        id,
        c instanceof Error
          ? 'error'
          : {
              added: c.added.length,
              modified: c.modified.length,
              deleted: c.deleted.length,
              renamed: c.renamed.length,
            },
      );
  }
  return counts;
}
