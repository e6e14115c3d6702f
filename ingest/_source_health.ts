/**
 * Connection state of a source from the evidence it sees: answers from the cluster
 * (contact) and failures; no answer for `staleAfterMs` means "disconnected".
 * @module
 */
import type { Logger } from "../log.ts";
import type { ConnectionState } from "./event_source.ts";

/** Options of {@linkcode SourceHealth}. */
export interface SourceHealthOptions {
  readonly log: Logger;
  readonly staleAfterMs: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Tracks and logs connection state transitions. */
export class SourceHealth {
  #log: Logger;
  #staleAfterMs: number;
  #now: () => number;
  #since: number;
  #lastContactMs = 0;
  #lastError: string | null = null;
  #terminal: "failed" | "stopped" | null = null;
  #reported: ConnectionState = "connecting";

  constructor(options: SourceHealthOptions) {
    this.#log = options.log;
    this.#staleAfterMs = options.staleAfterMs;
    this.#now = options.now ?? Date.now;
    this.#since = this.#now();
  }

  /** The cluster answered. */
  contact(): void {
    this.#lastContactMs = this.#now();
    this.#report();
  }

  /** Something failed; the state turns "disconnected" once contact is stale. */
  problem(err: unknown): void {
    this.#lastError = err instanceof Error ? err.message : String(err);
    this.#report();
  }

  /** The consumer crashed for good. */
  failed(err: unknown): void {
    this.problem(err);
    this.#terminal = "failed";
    this.#report();
  }

  stopped(): void {
    this.#terminal ??= "stopped";
    this.#report();
  }

  state(): ConnectionState {
    if (this.#terminal) return this.#terminal;
    const now = this.#now();
    if (this.#lastContactMs === 0) {
      return now - this.#since > this.#staleAfterMs
        ? "disconnected"
        : "connecting";
    }
    return now - this.#lastContactMs > this.#staleAfterMs
      ? "disconnected"
      : "connected";
  }

  snapshot(): {
    state: ConnectionState;
    lastContactMs: number;
    lastError: string | null;
  } {
    const state = this.state();
    return {
      state,
      lastContactMs: this.#lastContactMs,
      lastError: this.#lastError,
    };
  }

  #report(): void {
    const state = this.state();
    if (state === this.#reported) return;
    const level = state === "connected" || state === "stopped"
      ? "info"
      : "warn";
    this.#log[level]("kafka_connection_state", {
      from: this.#reported,
      to: state,
      lastError: this.#lastError,
    });
    this.#reported = state;
  }
}
