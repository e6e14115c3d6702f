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
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group && group.members.length > 0) {
      log.warn("group_offsets_not_aligned", {
        groupId,
        members: group.members.length,
        why: "the group has live members; their committed offsets are used",
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
