/**
 * A pause switch between the Kafka source and the live pipeline. A model swap pauses it,
 * waits until every message already handed to the pipeline is in the index, swaps, and
 * resumes: no batch encoded by the old model can land in the new index.
 * @module
 */
import type { PartitionOffsets } from "../pipeline/mod.ts";
import type { SourceMessage } from "../types.ts";

/** Pausable pass-through of a message stream that knows what it handed out. */
export class IngestGate {
  #holds = 0;
  #resumed = Promise.withResolvers<void>();
  #rewinds = 0;
  readonly #handedOut = new Map<string, SourceMessage>();

  /** Messages of `source`, held back while paused. */
  async *wrap(
    source: AsyncIterable<SourceMessage>,
  ): AsyncGenerator<SourceMessage> {
    for await (const message of source) {
      const rewinds = this.#rewinds;
      while (this.#holds > 0) await this.#resumed.promise;
      // Read before a rewind (see forget): the source delivers it again.
      if (rewinds !== this.#rewinds) continue;
      this.#handedOut.set(
        `${message.topic}\u0000${message.partition}`,
        message,
      );
      yield message;
    }
  }

  /**
   * Stops handing out messages (those in flight still finish) until every pause has
   * been released; returns the release (safe to call more than once).
   */
  pause(): () => void {
    if (this.#holds++ === 0) this.#resumed = Promise.withResolvers<void>();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds === 0) this.#resumed.resolve();
    };
  }

  /**
   * While paused and drained, the source was rewound: what was handed out is forgotten,
   * and a message held back by the pause is dropped instead of handed out.
   */
  forget(): void {
    this.#rewinds++;
    this.#handedOut.clear();
  }

  get paused(): boolean {
    return this.#holds > 0;
  }

  /** True when every message handed out is below the `applied` next-offsets. */
  drained(applied: PartitionOffsets): boolean {
    for (const m of this.#handedOut.values()) {
      const next = applied[m.topic]?.[String(m.partition)];
      if (next === undefined || BigInt(next) <= BigInt(m.offset)) return false;
    }
    return true;
  }
}

/**
 * Polls `check` every `everyMs` until it holds.
 * @throws {Error} after `timeoutMs`, naming `what`
 * @throws the signal's reason when `signal` aborts
 */
export async function pollUntil(
  check: () => boolean,
  options: {
    what: string;
    timeoutMs: number;
    everyMs?: number;
    signal?: AbortSignal;
  },
): Promise<void> {
  const started = Date.now();
  while (!check()) {
    options.signal?.throwIfAborted();
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `Timed out after ${options.timeoutMs} ms waiting for ${options.what}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.everyMs ?? 20));
  }
}
