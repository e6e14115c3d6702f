/**
 * One-at-a-time execution of async tasks: checkpoints, snapshot writes, model swaps
 * and ONNX runs each go through a {@linkcode SerialQueue}.
 * @module
 */

/**
 * Runs tasks one at a time in the order they are queued. A task that fails rejects
 * its own promise only: the tasks after it still run.
 */
export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` once every task queued before it has settled; settles as `task` does. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Resolves (never rejects) once every task queued so far has settled. */
  idle(): Promise<void> {
    return this.#tail.then(() => {});
  }
}
