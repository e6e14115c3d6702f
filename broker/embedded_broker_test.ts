import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { routeProcessWarnings } from "../ingest/mod.ts";
import { startEmbeddedBroker } from "./mod.ts";

// kafkajs' harmless TimeoutNegativeWarning stays out of the test output.
routeProcessWarnings(createMemoryLogger());

const ROOT = new URL("../", import.meta.url).pathname;

/** A child Deno process that starts a broker, prints its address, then idles. */
const SCRIPT = `
import { startEmbeddedBroker } from "${ROOT}broker/mod.ts";
import { createMemoryLogger } from "${ROOT}log.ts";
const broker = await startEmbeddedBroker({
  dataDir: Deno.args[0], port: 0, log: createMemoryLogger(),
});
await Deno.stdout.write(new TextEncoder().encode(broker.brokers[0] + "\\n"));
setInterval(() => {}, 1000);
`;

async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel();
  }
  return text.split("\n")[0] ?? "";
}

async function accepts(address: string): Promise<boolean> {
  const [hostname, port] = address.split(":");
  try {
    const conn = await Deno.connect({ hostname, port: Number(port) });
    conn.close();
    return true;
  } catch {
    return false; // refused: nothing listens there any more
  }
}

async function alive(pid: string): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch {
    return false; // no such process
  }
}

Deno.test("startEmbeddedBroker() broker stops by itself when its parent is killed -9, and a restart waits for it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kafka-orphan-" });
  try {
    const script = `${dir}/parent.ts`;
    await Deno.writeTextFile(script, SCRIPT);
    const parent = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        `${ROOT}deno.json`,
        script,
        `${dir}/data`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const address = await firstLine(parent.stdout);
    if (!/^127\.0\.0\.1:\d+$/.test(address)) {
      // The parent could not start its broker: say why, from its own stderr.
      try {
        parent.kill("SIGKILL");
      } catch {
        // It has already exited.
      }
      await parent.status;
      const why = new TextDecoder().decode(
        (await new Response(parent.stderr).arrayBuffer()).slice(-4000),
      );
      assert.fail(`parent printed "${address}", not an address:\n${why}`);
    }
    await parent.stderr.cancel();
    assert.equal(await accepts(address), true);
    const pid = (await Deno.readTextFile(`${dir}/data/broker.pid`)).trim();
    parent.kill("SIGKILL");
    await parent.status;
    // Restarting at once on the same data dir and port waits for the orphan to go.
    const port = Number(address.split(":")[1]);
    const log = createMemoryLogger();
    {
      await using again = await startEmbeddedBroker({
        dataDir: `${dir}/data`,
        port,
        log,
      });
      assert.equal(await alive(pid), false, "the orphaned broker still runs");
      assert.deepEqual(again.brokers, [address]);
      assert.equal(await accepts(address), true);
    }
    const brokerLog = await Deno.readTextFile(`${dir}/data/broker.log`);
    assert.match(brokerLog, /parent process gone/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("startEmbeddedBroker() refuses a port something else listens on", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kafka-busy-" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = (listener.addr as Deno.NetAddr).port;
    await assert.rejects(
      startEmbeddedBroker({ dataDir: dir, port, log: createMemoryLogger() }),
      (err: Error) =>
        err.name === "SourceError" && /port \d+ .*in use/.test(err.message),
    );
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});
