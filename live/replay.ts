/**
 * A replay of the topic for a shadow index: messages of a private consumer, handed out
 * only below a target offset per partition. The target follows the live pipeline's
 * progress until {@linkcode BoundedReplay.finish} freezes it; the stream then ends as
 * soon as every partition reached its target, so the shadow holds exactly what the live
 * index holds.
 * @module
 */
import type { SourceMessage } from "../types.ts";

/** Next offset per partition of one topic: `{ "0": "42" }`. */
export type Offsets = Readonly<Record<string, string>>;

const TICK = Symbol("tick");

/** See the module doc. */
export class BoundedReplay {
  readonly #source: AsyncIterable<SourceMessage>;
  readonly #liveTarget: () => Offsets;
  readonly #accept: (partition: number) => boolean;
  readonly #everyMs: number;
  readonly #progress = new Map<string, bigint>();
  #frozen: Offsets | null = null;

  /** `liveTarget` is read again whenever a message waits for the live pipeline. */
  constructor(
    source: AsyncIterable<SourceMessage>,
    options: {
      liveTarget: () => Offsets;
      /** Partitions to replay; messages of others are skipped. @default all */
      accept?: (partition: number) => boolean;
      everyMs?: number;
    },
  ) {
    this.#source = source;
    this.#liveTarget = options.liveTarget;
    this.#accept = options.accept ?? (() => true);
    this.#everyMs = options.everyMs ?? 20;
  }

  /** Freezes the target; the stream ends once every partition reaches it. */
  finish(target: Offsets): void {
    this.#frozen = target;
  }

  /** Whether every partition of `target` has been handed out up to it. */
  reached(target: Offsets): boolean {
    return Object.entries(target).every(([p, next]) =>
      (this.#progress.get(p) ?? 0n) >= BigInt(next)
    );
  }

  /** The messages, in log order per partition. */
  async *messages(): AsyncGenerator<SourceMessage> {
    const it = this.#source[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<SourceMessage>> | null = null;
    try {
      while (!(this.#frozen && this.reached(this.#frozen))) {
        pending ??= it.next();
        const r = await raceTick(pending, this.#everyMs);
        if (r === TICK) continue;
        pending = null;
        if (r.done) return;
        if (await this.#admit(r.value)) yield r.value;
      }
    } finally {
      // The source is disposed by its owner; a late result of this read has no reader.
      pending?.catch(() => {});
    }
  }

  /** Waits until `m` is below the target (true) or past a frozen one (false, dropped). */
  async #admit(m: SourceMessage): Promise<boolean> {
    if (!this.#accept(m.partition)) return false;
    const p = String(m.partition);
    const offset = BigInt(m.offset);
    while (true) {
      const limit = (this.#frozen ?? this.#liveTarget())[p];
      if (limit !== undefined && offset < BigInt(limit)) {
        this.#progress.set(p, offset + 1n);
        return true;
      }
      if (this.#frozen) {
        this.#progress.set(p, offset);
        return false;
      }
      await new Promise((r) => setTimeout(r, this.#everyMs));
    }
  }
}

async function raceTick<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TICK> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = new Promise<typeof TICK>((r) => {
    timer = setTimeout(() => r(TICK), ms);
  });
  try {
    return await Promise.race([promise, tick]);
  } finally {
    clearTimeout(timer);
  }
}
