/**
 * Test helper: a {@linkcode LiveIndex} over a brute-force index, with a stand-in model
 * and a committer that records what it is given.
 * @module
 */
import { loadConfig } from "../config.ts";
import type { Encoders, ModelBundle } from "../encode/mod.ts";
import { createBruteForceIndex } from "../index/mod.ts";
import { createMemoryLogger } from "../log.ts";
import { Metrics } from "../metrics.ts";
import type { MessagePosition } from "../types.ts";
import { LiveIndex } from "./live_index.ts";
import type { RecordedLog } from "./log_identity.ts";
import type { Generation } from "./generations.ts";

/** The topic of {@linkcode testLiveIndex}. */
export const TOPIC = "products";
/** The log {@linkcode testLiveIndex} belongs to at first. */
export const LOG: RecordedLog = {
  clusterId: "c1",
  topic: TOPIC,
  topicId: "t1",
};

/**
 * A live index of model "v1" (2 dims) holding `ids`, snapshotting into a new temp
 * folder (`dir`, the caller removes it); `commits` records every commit.
 */
export async function testLiveIndex(
  ids: string[] = [],
  metrics = new Metrics(),
) {
  const dir = await Deno.makeTempDir({ prefix: "live-index-test-" });
  const index = createBruteForceIndex({ dims: 2, modelVersion: "v1" });
  for (const id of ids) {
    index.upsert({
      id,
      title: id,
      attrs: {},
      version: 0,
      weights: { title: 1, image: 0 },
      eventTimeMs: 0,
      indexedAtMs: 0,
    }, new Float32Array([1, 0]));
  }
  const commits: MessagePosition[][] = [];
  const model = testModel();
  const live = new LiveIndex({
    topic: TOPIC,
    opened: {
      index,
      offsets: {},
      tombstones: [],
      fromSnapshot: false,
      loadMs: 0,
      rejected: null,
    },
    model,
    belongs: LOG,
    index: loadConfig({}).index,
    snapshots: {
      intervalMs: 60_000,
      everyEvents: 1_000_000,
      keep: 2,
      dir,
      meta: { topic: TOPIC, groupId: "g" },
    },
    committer: {
      commit: (positions) => {
        commits.push(positions);
        return Promise.resolve();
      },
    },
    log: createMemoryLogger(),
    metrics,
  });
  return { live, dir, commits };
}

/**
 * A stand-in model "v1" of 2 dims: only what the service reads of a model is real
 * (version, dims, folder, a query encoder that always answers one unit vector).
 */
export function testModel(): Generation {
  return {
    bundle: {
      dir: "/bundles/v1",
      manifest: { version: "v1", dims: 2 },
    } as unknown as ModelBundle,
    encoders: {
      device: "fake",
      deviceReason: "test",
      // Every query encodes to the same unit vector.
      query: {
        encode: (queries: string[]) =>
          Promise.resolve(
            queries.map(() => ({
              vector: new Float32Array([1, 0]),
              keywords: [],
            })),
          ),
      },
      [Symbol.asyncDispose]: () => Promise.resolve(),
    } as unknown as Encoders,
  };
}
