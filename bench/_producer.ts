/**
 * A paced Kafka producer for the bench: sends events at a target rate in small groups,
 * each message stamped with its send time (the record's eventTimeMs).
 * @module
 */
import { Kafka, logLevel, type Producer } from "kafkajs";

/** A connected producer for one topic. */
export class BenchProducer implements AsyncDisposable {
  readonly #producer: Producer;
  readonly #topic: string;

  private constructor(producer: Producer, topic: string) {
    this.#producer = producer;
    this.#topic = topic;
  }

  /** Connects to `brokers`. */
  static async create(
    brokers: readonly string[],
    topic: string,
  ): Promise<BenchProducer> {
    const kafka = new Kafka({
      clientId: "bench",
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    return new BenchProducer(producer, topic);
  }

  /** Sends events keyed by id, in groups of 500, as fast as the broker acknowledges. */
  async sendAll(events: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    for (let i = 0; i < events.length; i += 500) {
      await this.#send(events.slice(i, i + 500));
    }
  }

  /**
   * Sends `make(i)` for i = 0, 1, … at `ratePerS` for `seconds`, in groups every ~10 ms.
   * Returns how many were sent and the rate achieved.
   */
  async paced(
    ratePerS: number,
    seconds: number,
    make: (i: number) => Record<string, unknown>,
    onTick?: () => void,
  ): Promise<{ sent: number; ratePerS: number }> {
    const t0 = performance.now();
    const total = Math.max(1, Math.round(ratePerS * seconds));
    let sent = 0;
    while (sent < total) {
      const due = Math.min(
        total,
        Math.floor(((performance.now() - t0) / 1000) * ratePerS) + 1,
      );
      if (due > sent) {
        const group = Array.from(
          { length: due - sent },
          (_, j) => make(sent + j),
        );
        await this.#send(group);
        sent = due;
      }
      onTick?.();
      await new Promise((r) => setTimeout(r, 10));
    }
    return {
      sent,
      ratePerS: Math.round(sent / ((performance.now() - t0) / 1000)),
    };
  }

  async #send(events: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    const timestamp = String(Date.now());
    await this.#producer.send({
      topic: this.#topic,
      acks: -1,
      messages: events.map((e) => ({
        key: String(e.id),
        value: JSON.stringify(e),
        timestamp,
      })),
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#producer.disconnect();
  }
}
