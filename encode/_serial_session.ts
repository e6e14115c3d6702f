/**
 * One ONNX Runtime session whose runs are serialised: onnxruntime-web sessions are
 * not re-entrant, so concurrent callers queue here, and each run checks the caller's
 * signal before it starts and after it ends.
 * @module
 */

import type * as Ort from "onnxruntime-web";
import { EncodeError } from "../errors.ts";
import { SerialQueue } from "../serial.ts";

/** The parts of an onnxruntime module we use (web, webgpu and node builds share them). */
export interface OrtModule {
  readonly Tensor: typeof Ort.Tensor;
  readonly InferenceSession: typeof Ort.InferenceSession;
}

/** Options a session is created with (execution providers, threads). */
export type SessionOptions = Ort.InferenceSession.SessionOptions;

/** An ONNX Runtime tensor. */
export type OrtTensor = Ort.Tensor;

/** A queued, disposable session around one graph. */
export class SerialSession {
  readonly #session: Ort.InferenceSession;
  readonly #label: string;
  readonly #queue = new SerialQueue();
  #released = false;

  private constructor(session: Ort.InferenceSession, label: string) {
    this.#session = session;
    this.#label = label;
  }

  /**
   * Creates the session from model bytes with the given execution providers.
   * @throws {EncodeError} when onnxruntime cannot create it
   */
  static async create(
    ort: OrtModule,
    model: Uint8Array,
    options: {
      label: string;
      sessionOptions: SessionOptions;
    },
  ): Promise<SerialSession> {
    const providers = (options.sessionOptions.executionProviders ?? [])
      .map((p) => typeof p === "string" ? p : p.name).join(", ");
    try {
      const session = await ort.InferenceSession.create(model, {
        graphOptimizationLevel: "all",
        ...options.sessionOptions,
      });
      return new SerialSession(session, options.label);
    } catch (err: unknown) {
      throw new EncodeError(
        `Cannot create session for "${options.label}" on ${providers}: ${
          errorText(err)
        }`,
        { cause: err },
      );
    }
  }

  /** Input names, as the runtime reports them. */
  get inputNames(): readonly string[] {
    return this.#session.inputNames;
  }

  /**
   * Runs the graph once all earlier runs have finished.
   * @throws the signal's reason when aborted before or during the wait
   * @throws {EncodeError} when the runtime fails
   */
  run(
    feeds: Record<string, OrtTensor>,
    options: { signal?: AbortSignal } = {},
  ): Promise<Record<string, OrtTensor>> {
    // One failed run rejects its own caller only; the queue goes on.
    return this.#queue.run(() => this.#runNow(feeds, options.signal));
  }

  async #runNow(
    feeds: Record<string, OrtTensor>,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, OrtTensor>> {
    signal?.throwIfAborted();
    if (this.#released) {
      throw new EncodeError(
        `Cannot run "${this.#label}": session was released`,
      );
    }
    let outputs: Record<string, OrtTensor>;
    try {
      outputs = await this.#session.run(feeds);
    } catch (err: unknown) {
      throw new EncodeError(`Cannot run "${this.#label}": ${errorText(err)}`, {
        cause: err,
      });
    }
    signal?.throwIfAborted();
    return outputs;
  }

  /** Waits for queued runs, then frees the session. Safe to call twice. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    await this.#queue.idle();
    await this.#session.release();
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
