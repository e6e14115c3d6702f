/**
 * Configuration files of the embedded single-node KRaft broker: combined broker and
 * controller, loopback only, small dev-sized settings.
 * @module
 */

/** Inputs of {@linkcode serverProperties}. */
export interface ServerPropertiesInput {
  readonly port: number;
  readonly controllerPort: number;
  readonly logDir: string;
}

/** `server.properties` for a one-node KRaft cluster on 127.0.0.1. */
export function serverProperties(input: ServerPropertiesInput): string {
  const { port, controllerPort, logDir } = input;
  const props: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": 1,
    "controller.quorum.voters": `1@127.0.0.1:${controllerPort}`,
    "listeners":
      `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map":
      "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": logDir,
    "auto.create.topics.enable": false,
    "delete.topic.enable": true,
    "num.partitions": 1,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 4,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 4,
    "group.initial.rebalance.delay.ms": 0,
    // Tests use short session timeouts to see rebalances quickly.
    "group.min.session.timeout.ms": 1000,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "num.recovery.threads.per.data.dir": 1,
    // Dev-sized logs: 16 MiB segments, one day or 1 GiB per partition.
    "log.segment.bytes": 16 * 1024 * 1024,
    "log.retention.hours": 24,
    "log.retention.bytes": 1024 * 1024 * 1024,
    "log.retention.check.interval.ms": 60_000,
    // The default 128 MiB dedupe buffer would take a large share of a small heap.
    "log.cleaner.dedupe.buffer.size": 16 * 1024 * 1024,
    "log.cleaner.threads": 1,
    "log.cleaner.backoff.ms": 5_000,
  };
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join("\n") + "\n";
}

/**
 * log4j 1.x config: straight to `logFile`, so the broker's own log survives its parent
 * (stdout and stderr, piped by the parent into the same file, carry only JVM errors).
 */
export function log4jProperties(logFile: string): string {
  return [
    "log4j.rootLogger=INFO, file",
    "log4j.logger.kafka.request.logger=WARN",
    "log4j.logger.state.change.logger=WARN",
    "log4j.logger.org.apache.kafka.clients=WARN",
    "log4j.appender.file=org.apache.log4j.FileAppender",
    `log4j.appender.file.File=${logFile}`,
    "log4j.appender.file.Append=true",
    "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "",
  ].join("\n");
}

/** A random KRaft cluster id: 16 random bytes, URL-safe base64 without padding. */
export function randomClusterId(): string {
  // Like Kafka's own Uuid.randomUuid: never one that starts with "-", which the
  // storage tool's argument parser would take for an option ("-t -abc…").
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
      .replaceAll("/", "_").replaceAll("=", "");
    if (!id.startsWith("-")) return id;
  }
}
