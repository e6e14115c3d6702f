/**
 * Search on every core: Workers that each hold a replica of the index, loaded from the
 * writer's newest snapshot and kept in step by the writer's deltas, answering searches
 * off the writer's thread. The writer (the ingest process's main thread) keeps its own
 * index and calls {@linkcode SearchReplicas.upsert} / {@linkcode SearchReplicas.remove}
 * after each change it makes; deltas are numbered, checked here, batched per microtask
 * and applied by every replica in order, so a write is visible to a replica's next
 * search once its message has arrived (a message hop: well under a millisecond when the
 * Worker is idle). After each snapshot the writer calls {@linkcode SearchReplicas.reload},
 * and the replicas load it one at a time, replaying the deltas that came after it.
 *
 * Each replica holds a full copy (records, vectors, graph): memory grows by one index
 * per Worker. A search goes to the replica with the fewest searches in flight.
 * @module
 */
import { IndexError } from "../errors.ts";
import type { ProductRecord, SearchHit } from "../types.ts";
import { checkRecord, checkSearchOptions, normaliseInto } from "./_validate.ts";
import type { Delta, FromReplica, ToReplica } from "./_replica_worker.ts";
import type { SearchOptions } from "./vector_index.ts";

/** Options of {@linkcode SearchReplicas.create}. */
export interface SearchReplicasOptions {
  /** Replica Workers (1..64); one per core is the point. */
  readonly workers: number;
  /** The writer's snapshot folder; every replica loads its newest snapshot. */
  readonly snapshotsDir: string;
  /** Vector length, checked on every delta and query. */
  readonly dims: number;
  /** The last delta number the snapshot includes; new deltas are numbered after it. @default 0 */
  readonly seq?: number;
}

interface Replica {
  readonly worker: Worker;
  inFlight: number;
  /** Highest delta number this replica had applied when it last answered. */
  seq: number;
  loading: PromiseWithResolvers<FromReplica> | null;
}

interface Pending {
  readonly replica: Replica;
  readonly done: PromiseWithResolvers<SearchHit[]>;
}

/** A pool of search replicas; see the module doc. */
export class SearchReplicas implements AsyncDisposable {
  readonly dims: number;
  #replicas: Replica[] = [];
  #pending = new Map<number, Pending>();
  #nextId = 0;
  #seq: number;
  #queued: Delta[] = [];
  #closed = false;

  private constructor(dims: number, seq: number) {
    this.dims = dims;
    this.#seq = seq;
  }

  /**
   * Starts the Workers and waits until each has loaded the newest snapshot.
   * @throws {RangeError} on a bad worker count or dims
   * @throws {IndexError} when a replica cannot load the snapshot (all are stopped)
   */
  static async create(options: SearchReplicasOptions): Promise<SearchReplicas> {
    const { workers, dims } = options;
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new RangeError(
        `Cannot start search replicas: workers must be an integer in 1..64, got ${workers}`,
      );
    }
    if (!Number.isInteger(dims) || dims < 1) {
      throw new RangeError(
        `Cannot start search replicas: dims must be a positive integer, got ${dims}`,
      );
    }
    const pool = new SearchReplicas(dims, options.seq ?? 0);
    for (let i = 0; i < workers; i++) pool.#replicas.push(pool.#start());
    try {
      await Promise.all(
        pool.#replicas.map((r) =>
          pool.#load(r, options.snapshotsDir, pool.#seq)
        ),
      );
    } catch (err: unknown) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  /** Number of replicas. */
  get workers(): number {
    return this.#replicas.length;
  }

  /** Number of the last delta sent. */
  get seq(): number {
    return this.#seq;
  }

  /** The lowest delta number every replica is known to have applied. */
  get visibleSeq(): number {
    return Math.min(...this.#replicas.map((r) => r.seq));
  }

  /**
   * Sends an upsert the writer has made to every replica; returns its delta number.
   * @throws {TypeError} / {RangeError} on a malformed record or vector (nothing is sent)
   */
  upsert(record: ProductRecord, vector: Float32Array): number {
    this.#open("upsert");
    checkRecord(record);
    const copy = new Float32Array(this.dims);
    normaliseInto("upsert", vector, this.dims, copy, 0);
    return this.#send({ op: "upsert", seq: ++this.#seq, record, vector: copy });
  }

  /** Sends a removal the writer has made to every replica; returns its delta number. */
  remove(id: string): number {
    this.#open("remove");
    if (typeof id !== "string") {
      throw new TypeError("Cannot remove: id must be a string");
    }
    return this.#send({ op: "remove", seq: ++this.#seq, id });
  }

  /**
   * Searches on the least busy replica (same options and hits as
   * {@linkcode VectorIndex.search}).
   * @throws {TypeError} / {RangeError} on a malformed vector or options
   * @throws {IndexError} when the replica fails or the pool is closed
   */
  search(vector: Float32Array, options: SearchOptions): Promise<SearchHit[]> {
    this.#open("search");
    const checked = checkSearchOptions(options);
    const query = new Float32Array(this.dims);
    normaliseInto("search", vector, this.dims, query, 0);
    this.#flush();
    const replica = this.#replicas.reduce((a, b) =>
      b.inFlight < a.inFlight ? b : a
    );
    const id = this.#nextId++;
    const done = Promise.withResolvers<SearchHit[]>();
    this.#pending.set(id, { replica, done });
    replica.inFlight++;
    replica.worker.postMessage(
      {
        type: "search",
        id,
        vector: query,
        options: checked,
      } satisfies ToReplica,
      [query.buffer],
    );
    return done.promise;
  }

  /**
   * After the writer saved a snapshot holding every delta up to `seq`: each replica in
   * turn loads it (the others keep answering) and replays the deltas after `seq`.
   * @throws {IndexError} when a replica cannot load it (it keeps its previous index)
   */
  async reload(snapshotsDir: string, seq: number): Promise<void> {
    this.#open("reload");
    this.#flush();
    for (const r of this.#replicas) await this.#load(r, snapshotsDir, seq);
  }

  /** Stops every Worker; pending searches reject. Safe to call twice. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const r of this.#replicas) r.worker.terminate();
    for (const p of this.#pending.values()) {
      p.done.reject(new IndexError("Cannot search: search replicas closed"));
    }
    this.#pending.clear();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #start(): Replica {
    const worker = new Worker(
      new URL("./_replica_worker.ts", import.meta.url),
      { type: "module" },
    );
    const replica: Replica = { worker, inFlight: 0, seq: -1, loading: null };
    worker.onmessage = (e: MessageEvent<FromReplica>) =>
      this.#answer(replica, e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(
        replica,
        new IndexError(`Search replica failed: ${e.message}`),
      );
    };
    return replica;
  }

  async #load(r: Replica, dir: string, seq: number): Promise<void> {
    r.loading = Promise.withResolvers<FromReplica>();
    r.worker.postMessage({ type: "load", dir, seq } satisfies ToReplica);
    const reply = await r.loading.promise;
    r.loading = null;
    if (reply.type === "loaded" && reply.error !== undefined) {
      throw new IndexError(
        `Cannot load search replica from "${dir}": ${reply.error}`,
      );
    }
    r.seq = reply.seq;
  }

  #answer(replica: Replica, m: FromReplica): void {
    if (m.type === "loaded") {
      replica.loading?.resolve(m);
      return;
    }
    const p = this.#pending.get(m.id);
    if (p === undefined) return;
    this.#pending.delete(m.id);
    replica.inFlight--;
    replica.seq = Math.max(replica.seq, m.seq);
    if (m.error !== undefined) {
      p.done.reject(new IndexError(`Search replica failed: ${m.error}`));
    } else p.done.resolve(m.hits as SearchHit[]);
  }

  #fail(replica: Replica, err: IndexError): void {
    replica.loading?.reject(err);
    for (const [id, p] of this.#pending) {
      if (p.replica !== replica) continue;
      this.#pending.delete(id);
      p.done.reject(err);
    }
    replica.inFlight = Number.POSITIVE_INFINITY;
  }

  #send(delta: Delta): number {
    if (this.#queued.length === 0) queueMicrotask(() => this.#flush());
    this.#queued.push(delta);
    return delta.seq;
  }

  #flush(): void {
    if (this.#queued.length === 0 || this.#closed) return;
    const deltas = this.#queued;
    this.#queued = [];
    for (const r of this.#replicas) {
      r.worker.postMessage({ type: "deltas", deltas } satisfies ToReplica);
    }
  }

  #open(action: string): void {
    if (this.#closed) {
      throw new IndexError(`Cannot ${action}: search replicas closed`);
    }
  }
}
