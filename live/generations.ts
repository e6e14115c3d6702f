/**
 * The model generation the service runs: one bundle with its encoders, paired with the
 * index that holds that model's vectors. A model upgrade installs a new generation and a
 * new index in one synchronous step, so the query encoder always switches with the
 * index. A query vector remembers the generation that encoded it: a request whose
 * encoding straddled a swap searches the index of its own model, which stays alive for
 * a grace period, so vectors of two models never meet.
 * @module
 */
import type {
  Encoders,
  ModelBundle,
  QueryEmbedding,
  QueryEncoder,
} from "../encode/mod.ts";
import { IndexError } from "../errors.ts";
import type { IndexHolder, IndexLease, VectorIndex } from "../index/mod.ts";
import type { Logger } from "../log.ts";
import type { Searcher, SearcherOptions } from "../api/mod.ts";
import type { ProductRecord, SearchHit } from "../types.ts";
import type { ThumbnailStore } from "./thumbnails.ts";

/** A model bundle with its encoders. */
export interface Generation {
  readonly bundle: ModelBundle;
  readonly encoders: Encoders;
}

/** A swapped-out generation kept alive until in-flight queries are done. */
interface Retiring {
  readonly generation: Generation;
  readonly lease: IndexLease | null;
  readonly timer: ReturnType<typeof setTimeout>;
}

/** Options of {@linkcode Generations}. */
export interface GenerationsOptions {
  readonly holder: IndexHolder;
  readonly initial: Generation;
  readonly log: Logger;
  /** How long a replaced model and its index stay usable for in-flight queries. @default 10000 */
  readonly graceMs?: number;
}

/** The live generation, its retiring predecessors, and a searcher that never mixes them. */
export class Generations implements AsyncDisposable {
  readonly #holder: IndexHolder;
  readonly #log: Logger;
  readonly #graceMs: number;
  readonly #retiring = new Map<string, Retiring>();
  readonly #encodedBy = new WeakMap<Float32Array, string>();
  #active: Generation;

  constructor(options: GenerationsOptions) {
    this.#holder = options.holder;
    this.#log = options.log;
    this.#graceMs = options.graceMs ?? 10_000;
    this.#active = options.initial;
  }

  /** The live generation. */
  get active(): Generation {
    return this.#active;
  }

  /** Version of the live model. */
  get modelVersion(): string {
    return this.#active.bundle.manifest.version;
  }

  /**
   * Installs `next` with `index` (which must hold `next`'s vectors) in one step. The
   * previous index and encoders stay usable for `graceMs`, then are disposed.
   * @throws {IndexError} when `index` was built by another model
   */
  install(next: Generation, index: VectorIndex): void {
    const version = next.bundle.manifest.version;
    if (
      index.modelVersion !== version || index.dims !== next.bundle.manifest.dims
    ) {
      throw new IndexError(
        `Cannot install model "${version}": the index holds vectors of "${index.modelVersion}" (${index.dims} dims)`,
      );
    }
    const previous = this.#active;
    const old = this.#holder.current;
    // The lease keeps the old index alive for queries encoded by the old model.
    const lease = old === null ? null : this.#holder.acquire();
    this.#active = next;
    const replaced = this.#holder.swap(index);
    if (replaced !== null) void this.#holder.retire(replaced);
    if (previous === next) {
      lease?.[Symbol.dispose]();
      return;
    }
    const oldVersion = previous.bundle.manifest.version;
    this.#retire(oldVersion);
    const timer = setTimeout(() => this.#retire(oldVersion), this.#graceMs);
    this.#retiring.set(oldVersion, { generation: previous, lease, timer });
    this.#log.info("model_installed", {
      modelVersion: version,
      previous: oldVersion,
      size: index.size,
    });
  }

  /** A query encoder that follows the live generation and tags what it encodes. */
  queryEncoder(): Pick<QueryEncoder, "encode"> {
    return {
      encode: async (queries, options): Promise<QueryEmbedding[]> => {
        const generation = this.#active;
        const version = generation.bundle.manifest.version;
        const out = await generation.encoders.query.encode(queries, options);
        for (const q of out) this.#encodedBy.set(q.vector, version);
        return out;
      },
    };
  }

  /**
   * A searcher over the live index that sends each vector to its own model's index;
   * with `thumbnails`, it serves the thumbnails records name.
   */
  searcher(ready: () => boolean, thumbnails?: ThumbnailStore): Searcher {
    const holder = this.#holder;
    return {
      get ready() {
        return ready();
      },
      info: () => ({ ...holder.info(), modelVersion: this.modelVersion }),
      search: (vector, options) => this.#search(vector, options),
      get: (id) => holder.get(id),
      // Lexical hits do not depend on the model: the live index answers them.
      searchLexical: (text, options) => holder.searchLexical(text, options),
      ...(thumbnails
        ? {
          thumbnail: (record: ProductRecord) =>
            record.thumb
              ? thumbnails.get(record.thumb)
              : Promise.resolve(undefined),
        }
        : {}),
    };
  }

  #search(vector: Float32Array, options: SearcherOptions): SearchHit[] {
    const version = this.#encodedBy.get(vector);
    if (version === undefined || version === this.modelVersion) {
      return this.#holder.search(vector, options);
    }
    const old = this.#retiring.get(version);
    if (old?.lease) return old.lease.index.search(vector, options);
    throw new IndexError(
      `Cannot search: the query was encoded by retired model "${version}"`,
      { retryable: true },
    );
  }

  #retire(version: string): void {
    const old = this.#retiring.get(version);
    if (old === undefined) return;
    this.#retiring.delete(version);
    clearTimeout(old.timer);
    old.lease?.[Symbol.dispose]();
    Promise.resolve(old.generation.encoders[Symbol.asyncDispose]()).catch((
      err: unknown,
    ) => this.#log.error("encoders_dispose_failed", { error: err, version }));
    this.#log.info("model_retired", { modelVersion: version });
  }

  /** Disposes every generation's encoders now, the live one included (not the index). */
  async [Symbol.asyncDispose](): Promise<void> {
    const pending = [...this.#retiring.values()];
    this.#retiring.clear();
    for (const old of pending) {
      clearTimeout(old.timer);
      old.lease?.[Symbol.dispose]();
      await old.generation.encoders[Symbol.asyncDispose]();
    }
    await this.#active.encoders[Symbol.asyncDispose]();
  }
}
