import assert from "node:assert/strict";

Deno.test("deno task kafka prints one ready line and stops cleanly on SIGTERM", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "kafka-task-" });
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "broker/main.ts",
        "--port",
        "0",
        "--data-dir",
        dataDir,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    const { value, done } = await reader.read();
    if (done) {
      reader.releaseLock();
      const stderr = await new Response(child.stderr).text();
      throw new Error(
        `The task exited (${(await child.status).code}): ${stderr}`,
      );
    }
    const line = new TextDecoder().decode(value);
    assert.match(line, /^Kafka 3\.9\.1 ready on 127\.0\.0\.1:\d+ in [\d.]+ s/);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
    child.kill("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), 60_000);
    });
    const first = await Promise.race([child.status, late]);
    clearTimeout(timer);
    if (first === "late") child.kill("SIGKILL");
    const status = await child.status;
    assert.notEqual(
      first,
      "late",
      "the task did not stop within 60 s of SIGTERM",
    );
    const rest = await reader.read();
    reader.releaseLock();
    const stderr = await new Response(child.stderr).text();
    assert.equal(status.code, 0, stderr);
    assert.equal(rest.done, true, "nothing after the ready line");
    assert.equal(stderr, "");
    await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }));
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
