/**
 * Memory bank: a bounded FIFO of recent product vectors (detached, no gradient) with
 * their product rows, used as extra negatives for query→product InfoNCE.
 * @module
 */

/** A fixed-capacity ring of `dims`-long vectors. */
export class MemoryBank {
  readonly #dims: number;
  readonly #capacity: number;
  readonly #data: Float32Array;
  readonly #rows: Int32Array;
  #next = 0;
  #size = 0;

  constructor(capacity: number, dims: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(
        `Cannot create memory bank: capacity ${capacity} is invalid`,
      );
    }
    this.#dims = dims;
    this.#capacity = capacity;
    this.#data = new Float32Array(capacity * dims);
    this.#rows = new Int32Array(capacity);
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.#size;
  }

  /** Adds vectors (copied), evicting the oldest beyond capacity. */
  push(vectors: Float32Array, rows: Int32Array): void {
    if (this.#capacity === 0) return;
    for (let i = 0; i < rows.length; i++) {
      const at = this.#next;
      this.#data.set(
        vectors.subarray(i * this.#dims, (i + 1) * this.#dims),
        at * this.#dims,
      );
      this.#rows[at] = rows[i] ?? -1;
      this.#next = (at + 1) % this.#capacity;
      this.#size = Math.min(this.#size + 1, this.#capacity);
    }
  }

  /** The stored vectors, [size, dims] (a view; valid until the next push). */
  vectors(): Float32Array {
    return this.#data.subarray(0, this.#size * this.#dims);
  }

  /** Product rows of the stored vectors, aligned with {@linkcode vectors}. */
  productRows(): Int32Array {
    return this.#rows.subarray(0, this.#size);
  }
}
