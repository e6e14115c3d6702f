/**
 * Points the consumer group at the offsets the loaded snapshot covers, before the consumer
 * joins. The snapshot, not the group's committed offsets, is the truth about what is in
 * the index: with no snapshot (first start, lost data dir, new model) the group starts from
 * the earliest offset and the compacted topic rebuilds the index.
 * @module
 */
import { Kafka, logLevel } from "kafkajs";
import type { Logger } from "../log.ts";
import type { PartitionOffsets } from "../pipeline/mod.ts";
import { SourceError } from "../errors.ts";

/** Sets the group's offsets on `topic` to the snapshot's (earliest where it has none). */
export async function alignGroupOffsets(
  brokers: readonly string[],
  options: {
    groupId: string;
    topic: string;
    offsets: PartitionOffsets;
    log: Logger;
    /**
     * How long to wait for members to leave first: a member of a killed process stays
     * in the group until its session times out. @default 0
     */
    waitEmptyMs?: number;
  },
): Promise<Record<string, string>> {
  const { groupId, topic, log } = options;
  // Admin errors surface as the SourceError below; kafkajs' own retry chatter is not needed.
  const client = new Kafka({
    clientId: `${groupId}-offsets`,
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = client.admin();
  await admin.connect();
  try {
    const members = await waitForEmptyGroup(
      () => admin.describeGroups([groupId]),
      options.waitEmptyMs ?? 0,
    );
    if (members > 0) {
      // Not a problem: every assigned partition is sought to what the index covers anyway.
      log.info("group_offsets_not_aligned", {
        groupId,
        members,
        why:
          "the group still has members (a killed process stays until its session times out, KAFKA_SESSION_TIMEOUT_MS); assigned partitions start at the snapshot's offsets regardless",
      });
      return {};
    }
    const watermarks = await admin.fetchTopicOffsets(topic);
    const snapshot = options.offsets[topic] ?? {};
    const partitions = watermarks.map(({ partition, low, high }) => {
      const wanted = snapshot[String(partition)];
      // A snapshot offset below the log start (compacted or expired away) starts at the log start.
      const offset = wanted === undefined || BigInt(wanted) < BigInt(low)
        ? low
        : wanted;
      return {
        partition,
        offset: BigInt(offset) > BigInt(high) ? high : offset,
      };
    });
    await admin.setOffsets({ groupId, topic, partitions });
    const applied = Object.fromEntries(
      partitions.map((p) => [String(p.partition), p.offset]),
    );
    log.info("group_offsets_aligned", { groupId, topic, offsets: applied });
    return applied;
  } catch (err) {
    throw new SourceError(
      `Cannot align offsets of group "${groupId}" on "${topic}": ${
        String(err)
      }`,
      {
        cause: err,
        retryable: true,
      },
    );
  } finally {
    await admin.disconnect();
  }
}

/** Members left after waiting up to `waitMs` for the group to empty. */
async function waitForEmptyGroup(
  describe: () => Promise<{ groups: Array<{ members: unknown[] }> }>,
  waitMs: number,
): Promise<number> {
  const deadline = Date.now() + waitMs;
  while (true) {
    const members = (await describe()).groups[0]?.members.length ?? 0;
    if (members === 0 || Date.now() >= deadline) return members;
    await new Promise((r) => setTimeout(r, 250));
  }
}
