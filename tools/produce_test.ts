import assert from "node:assert/strict";
import { createKafkaSource } from "../ingest/mod.ts";
import { take } from "../ingest/_source_contract.ts";
import { createMemoryLogger } from "../log.ts";
import { testBrokers, uniqueTopic } from "../ingest/testing.ts";
import { checkFile, lineToMessage, publish, readLines } from "./produce.ts";

const dec = new TextDecoder();

Deno.test("lineToMessage() keys a product line by its id", () => {
  const text = '{"op":"upsert","id":"p1","title":"Red dress"}';
  assert.deepEqual(lineToMessage(text, 3), { key: "p1", value: text, line: 3 });
  assert.equal(lineToMessage("   ", 4), null);
});

Deno.test("lineToMessage() reports bad lines with their numbers", () => {
  const cases: [string | null, string][] = [
    ["{nope", "invalid JSON"],
    ["[1,2]", "not a JSON object"],
    ['{"op":"upsert","title":"x"}', `"id" must be a non-empty string`],
    ['{"id":7}', `"id" must be a non-empty string`],
    [null, "not valid UTF-8"],
  ];
  for (const [text, message] of cases) {
    const r = lineToMessage(text, 9);
    assert.ok(r && "message" in r, String(text));
    assert.equal(r.line, 9);
    assert.ok(r.message.startsWith(message), r.message);
  }
});

Deno.test("checkFile() finds every bad line, including invalid UTF-8", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    const enc = new TextEncoder();
    const bytes = [
      enc.encode('{"id":"a","op":"upsert","title":"A"}\n\n{bad\n'),
      new Uint8Array([0x7b, 0xff, 0x7d, 0x0a]),
      enc.encode('{"id":"b","op":"delete"}'),
    ];
    await Deno.writeFile(path, new Uint8Array(bytes.flatMap((b) => [...b])));
    const { count, errors } = await checkFile(path);
    assert.equal(count, 2);
    assert.deepEqual(errors.map((e) => e.line), [3, 4]);
    const lines = [];
    for await (const l of readLines(path)) lines.push(l);
    assert.equal(lines.length, 5);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("produce CLI refuses a file with bad lines and sends nothing", async () => {
  const path = await Deno.makeTempFile({ suffix: ".jsonl" });
  try {
    await Deno.writeTextFile(
      path,
      '{"id":"a","op":"upsert","title":"A"}\n{x\n',
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/produce.ts", path, "--brokers", "127.0.0.1:1"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    const err = dec.decode(out.stderr);
    assert.match(err, /1 bad line\(s\), nothing sent/);
    assert.match(err, /line 2: invalid JSON/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("publish() and the CLI's --delete reach the topic keyed by id", async () => {
  const brokers = testBrokers();
  const topic = uniqueTopic("produce");
  const log = createMemoryLogger();
  const lines = Array.from({ length: 50 }, (_, i) => ({
    key: `p${i}`,
    value: JSON.stringify({ op: "upsert", id: `p${i}`, title: `t${i}` }),
    line: i + 1,
  }));
  const sent = await publish(lines, {
    brokers,
    topic,
    log,
    partitions: 2,
    rate: 2000,
  });
  assert.equal(sent, 50);
  const del = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "tools/produce.ts",
      "--delete",
      "p3",
      "p4",
      "--topic",
      topic,
    ],
    env: { KAFKA_BROKERS: brokers.join(",") },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(del.code, 0, dec.decode(del.stderr));
  assert.match(dec.decode(del.stdout), /Sent 2 deletes/);
  await using source = await createKafkaSource({
    brokers,
    topic,
    groupId: uniqueTopic("produce-reader"),
    log,
  });
  const got = await take(source, 52);
  const partitionOf = new Map<string, number>();
  for (const m of got) {
    const key = dec.decode(m.key ?? new Uint8Array());
    const seen = partitionOf.get(key);
    assert.ok(seen === undefined || seen === m.partition, `key ${key} split`);
    partitionOf.set(key, m.partition);
  }
  assert.equal(partitionOf.size, 50);
  assert.equal(new Set(partitionOf.values()).size, 2);
  const tombstones = got.filter((m) => m.value === null).map((m) =>
    dec.decode(m.key ?? new Uint8Array())
  );
  assert.deepEqual(tombstones.sort(), ["p3", "p4"]);
});

Deno.test("deno task produce with no broker up says in one line to start the service first", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "produce", "samples/products.jsonl"],
    cwd: new URL("..", import.meta.url),
    env: { KAFKA_BROKERS: "127.0.0.1:1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 1);
  const lines = dec.decode(out.stderr).trim().split("\n");
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0] ?? "", /^Error: Cannot reach Kafka at 127\.0\.0\.1:1/);
  assert.match(lines[0] ?? "", /deno task ingest/);
  assert.equal(dec.decode(out.stdout), "");
});
