/**
 * Periodically reads watermarks and committed offsets of a consumer group's topic; the
 * answers (or failures) also tell whether the cluster is reachable.
 * @module
 */
import type { Admin } from "kafkajs";
import { delay, withTimeout } from "../delay.ts";
import type { PartitionTracker } from "./_partition_tracker.ts";

/** Callbacks of {@linkcode LagPoller}. */
export interface LagPollerHooks {
  onSuccess(): void;
  onFailure(err: unknown): void;
}

/** Runs `admin` queries every `intervalMs` until stopped. */
export class LagPoller {
  #stop = new AbortController();
  #loop: Promise<void> | undefined;
  #admin: Admin;
  #groupId: string;
  #tracker: PartitionTracker;
  #hooks: LagPollerHooks;
  #intervalMs: number;

  constructor(
    admin: Admin,
    options: {
      groupId: string;
      tracker: PartitionTracker;
      hooks: LagPollerHooks;
      intervalMs: number;
    },
  ) {
    this.#admin = admin;
    this.#groupId = options.groupId;
    this.#tracker = options.tracker;
    this.#hooks = options.hooks;
    this.#intervalMs = options.intervalMs;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** One refresh now (also used by tests). */
  async refresh(): Promise<void> {
    const topic = this.#tracker.topic;
    // One request at a time: right after connect, concurrent kafkajs admin calls can
    // fail with "No brokers in the broker pool".
    const [watermarks, groups] = await withTimeout(10_000, async () => {
      await this.#admin.connect(); // a no-op while connected
      const watermarks = await this.#admin.fetchTopicOffsets(topic);
      const groups = await this.#admin.fetchOffsets({
        groupId: this.#groupId,
        topics: [topic],
      });
      return [watermarks, groups] as const;
    });
    const committed = new Map(
      (groups[0]?.partitions ?? []).map((p) => [p.partition, p.offset]),
    );
    for (const w of watermarks) {
      this.#tracker.onFetched(w.partition, {
        high: w.high,
        low: w.low,
        committed: committed.get(w.partition) ?? "-1",
      });
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await withTimeout(10_000, () => this.#admin.disconnect()).catch(() => {
      // Only a poller client: nothing more to release if its disconnect fails.
    });
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.refresh();
        this.#hooks.onSuccess();
      } catch (err) {
        if (signal.aborted) return;
        this.#hooks.onFailure(err);
      }
      await delay(this.#intervalMs, signal).catch(() => {
        // Aborted: the loop condition ends it.
      });
    }
  }
}
