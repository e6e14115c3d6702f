import assert from "node:assert/strict";
import {
  type Flag,
  flagDefaults,
  flagsUsage,
  resolveFlags,
} from "./cli_flags.ts";
import { OPTIONS } from "./config.ts";
import { boolean, integer, positive, text } from "./config_options.ts";

const FLAGS = {
  dir: {
    option: text({ doc: "Where it reads", default: "" }),
    arg: "DIR",
    required: true,
  } satisfies Flag<string>,
  port: { option: OPTIONS.http.port, arg: "N", default: 8081 },
  token: { option: OPTIONS.http.adminToken, arg: "T", fromEnv: true },
  shard: {
    option: text({
      doc: "A shard",
      default: "",
      pattern: /^http:\/\//,
      shape: "an http:// URL",
    }),
    arg: "URL",
    multiple: true,
  } satisfies Flag<string>,
  every: {
    option: integer({ doc: "Period", default: 5, min: 1, max: 10 }),
    arg: "N",
  },
};

const noEnv = () => undefined;

Deno.test("resolveFlags() gives the program's default, else the option's", () => {
  const { values, problems } = resolveFlags(FLAGS, { dir: "d" }, noEnv);
  assert.deepEqual(problems, []);
  assert.deepEqual(values, {
    dir: "d",
    port: 8081,
    token: "",
    shard: [],
    every: 5,
  });
  assert.deepEqual(flagDefaults(FLAGS), { ...values, dir: "" });
});

Deno.test("resolveFlags() checks each flag with its option's parser and limits", () => {
  const { values, problems } = resolveFlags(FLAGS, {
    dir: "d",
    port: "70000",
    shard: ["http://a:1", "b:2"],
    every: "x",
  }, noEnv);
  assert.deepEqual(problems, [
    "--port must be between 0 and 65535: got 70000",
    '--shard must be an http:// URL: got "b:2"',
    '--every must be an integer: got "x"',
  ]);
  assert.equal(values.port, 8081);
});

Deno.test("resolveFlags() names a missing required flag", () => {
  const { problems } = resolveFlags(FLAGS, { dir: " " }, noEnv);
  assert.deepEqual(problems, ["--dir DIR is required"]);
});

Deno.test("resolveFlags() reads a fromEnv flag's variable when the flag is absent", () => {
  const env = (name: string) =>
    name === "ADMIN_TOKEN" ? "0123456789abcdef" : undefined;
  assert.equal(
    resolveFlags(FLAGS, { dir: "d" }, env).values.token,
    "0123456789abcdef",
  );
  assert.equal(
    resolveFlags(FLAGS, { dir: "d", token: "fedcba9876543210" }, env).values
      .token,
    "fedcba9876543210",
  );
  assert.deepEqual(
    resolveFlags(FLAGS, { dir: "d" }, () => "short").problems,
    ["ADMIN_TOKEN must be at least 16 characters when set"],
  );
  // Only fromEnv flags read the environment: PORT is not --port.
  assert.equal(resolveFlags(FLAGS, { dir: "d" }, () => "1").values.port, 8081);
});

Deno.test("flagsUsage() lists every flag with its doc line, default and limits", () => {
  const usage = flagsUsage({
    task: "demo",
    about: "Does a demo.",
    flags: FLAGS,
  });
  const lines = usage.split("\n");
  assert.equal(
    lines[0],
    "Usage: deno task demo --dir DIR [--port N] [--token T] [--shard URL] [--every N]",
  );
  assert.match(usage, /--dir DIR +Where it reads \(required\)/);
  assert.match(
    usage,
    /--port N +HTTP port \(0 picks a free one\) \(default: 8081; 0–65535\)/,
  );
  assert.match(
    usage,
    /--token T +Bearer token for \/admin \(default: \(unset: admin off\); 16\+ characters; or \$ADMIN_TOKEN\)/,
  );
  assert.match(
    usage,
    /--shard URL +A shard \(default: none; an http:\/\/ URL; repeatable\)/,
  );
  assert.match(usage, /-h, --help +this text/);
});

Deno.test("resolveFlags() sets a switch only when it is given", () => {
  const flags = {
    delete: {
      option: boolean({ doc: "Deletes", default: false }),
      switch: true,
    } satisfies Flag<boolean>,
    rate: {
      option: positive({ doc: "Rate", default: Infinity, max: 100 }),
      arg: "N",
    },
  };
  assert.deepEqual(resolveFlags(flags, {}, noEnv).values, {
    delete: false,
    rate: Infinity,
  });
  assert.deepEqual(
    resolveFlags(flags, { delete: true, rate: "0.5" }, noEnv).values,
    { delete: true, rate: 0.5 },
  );
  assert.deepEqual(
    resolveFlags(flags, { rate: "0" }, noEnv).problems,
    ['--rate must be a number above 0 and at most 100: got "0"'],
  );
  assert.equal(
    flagsUsage({ task: "t", about: "", operands: "FILE", flags }).split(
      "\n",
    )[0],
    "Usage: deno task t FILE [--delete] [--rate N]",
  );
});
