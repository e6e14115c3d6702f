import assert from "node:assert/strict";
import { delay } from "./_delay.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** A child Deno process that starts a broker, prints its address, then idles. */
const SCRIPT = `
import { startEmbeddedBroker } from "${ROOT}ingest/mod.ts";
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

Deno.test("startEmbeddedBroker() broker stops by itself when its parent is killed -9", async () => {
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
      stderr: "null",
    }).spawn();
    const address = await firstLine(parent.stdout);
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    assert.equal(await accepts(address), true);
    parent.kill("SIGKILL");
    await parent.status;
    const deadline = Date.now() + 30_000;
    while (await accepts(address)) {
      assert.ok(
        Date.now() < deadline,
        "the orphaned broker is still listening",
      );
      await delay(200);
    }
    const log = await Deno.readTextFile(`${dir}/data/broker.log`);
    assert.match(log, /parent process gone/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
