// Launches the Kafka broker in this JVM and exits when the parent process goes away.
// The parent (broker/embedded_broker.ts) holds our stdin open and never writes to it;
// when the parent dies, even by SIGKILL, stdin reaches end-of-file and we shut down
// cleanly (Kafka's shutdown hook runs), so no orphan broker keeps the port and data dir.
// Run in source-file mode: java -cp "<jars>/*" embedded_broker_main.java server.properties
public class EmbeddedBrokerMain {
  public static void main(String[] args) throws Exception {
    // broker.pid beside server.properties, for diagnostics and tests.
    java.nio.file.Path props = java.nio.file.Paths.get(args[0]).toAbsolutePath();
    java.nio.file.Files.writeString(
        props.resolveSibling("broker.pid"), Long.toString(ProcessHandle.current().pid()));
    Thread watchdog = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // The parent never writes; keep reading until end-of-file.
        }
      } catch (java.io.IOException e) {
        // A broken pipe means the parent is gone too.
      }
      org.apache.log4j.Logger.getLogger("embedded-broker")
          .warn("parent process gone (stdin closed): shutting down");
      System.exit(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    kafka.Kafka.main(args);
  }
}
