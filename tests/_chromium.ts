/**
 * Headless Chromium for the browser test, driven over the DevTools protocol (a
 * WebSocket) with nothing but Deno's built-ins: start it with a fresh profile, open
 * a page, evaluate script in it, take screenshots, stop it.
 * @module
 */
import { join } from "node:path";

const NAMES = ["chromium", "chromium-browser", "google-chrome"];

/** Where Chromium is (`CHROMIUM` or the first of chromium/chromium-browser/google-chrome on PATH), or why not. */
export function findChromium(): { path: string } | { missing: string } {
  const given = Deno.env.get("CHROMIUM");
  if (given) {
    try {
      if (Deno.statSync(given).isFile) return { path: given };
    } catch {
      // reported below
    }
    return { missing: `CHROMIUM="${given}" is not a file` };
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of NAMES) {
      try {
        const path = join(dir, name);
        if (Deno.statSync(path).isFile) return { path };
      } catch {
        // not in this folder
      }
    }
  }
  return {
    missing: `no ${
      NAMES.join(", ")
    } on PATH and CHROMIUM is unset (install: apt-get install chromium)`,
  };
}

type Pending = PromiseWithResolvers<Record<string, unknown>>;

/** One headless browser with one page. */
export class Browser implements AsyncDisposable {
  readonly #child: Deno.ChildProcess;
  readonly #profile: string;
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, Pending>();
  readonly #events: Array<{ method: string; params: unknown }> = [];
  #nextId = 0;

  private constructor(
    child: Deno.ChildProcess,
    profile: string,
    ws: WebSocket,
  ) {
    this.#child = child;
    this.#profile = profile;
    this.#ws = ws;
    ws.onmessage = (e) => {
      const msg = JSON.parse(String(e.data));
      if (typeof msg.id === "number") {
        const waiter = this.#pending.get(msg.id);
        this.#pending.delete(msg.id);
        if (msg.error) {
          waiter?.reject(new Error(`CDP: ${JSON.stringify(msg.error)}`));
        } else waiter?.resolve(msg.result ?? {});
      } else if (this.#events.length < 1000) {
        this.#events.push({ method: msg.method, params: msg.params });
      }
    };
  }

  /** Starts Chromium (headless, fresh profile) and connects to its first page. */
  static async launch(
    path: string,
    options: { width: number; height: number },
  ): Promise<Browser> {
    const profile = await Deno.makeTempDir({ prefix: "chromium-test-" });
    const child = new Deno.Command(path, {
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        "--remote-debugging-port=0",
        `--window-size=${options.width},${options.height}`,
        "about:blank",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const port = await devToolsPort(profile);
      const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`))
        .json() as Array<{ type: string; webSocketDebuggerUrl: string }>;
      const page = targets.find((t) => t.type === "page");
      if (!page) throw new Error("Chromium has no page target");
      const ws = new WebSocket(page.webSocketDebuggerUrl);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error("Cannot connect to Chromium"));
      });
      const browser = new Browser(child, profile, ws);
      await browser.send("Page.enable");
      await browser.send("Runtime.enable");
      return browser;
    } catch (err) {
      child.kill("SIGKILL");
      await child.status;
      await Deno.remove(profile, { recursive: true });
      throw err;
    }
  }

  /** Sends one DevTools command and waits for its result. */
  send(
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const id = ++this.#nextId;
    const waiter = Promise.withResolvers<Record<string, unknown>>();
    this.#pending.set(id, waiter);
    this.#ws.send(JSON.stringify({ id, method, params }));
    return waiter.promise;
  }

  /** Opens `url` and waits for its load event. */
  async goto(url: string): Promise<void> {
    this.#events.length = 0;
    await this.send("Page.navigate", { url });
    await this.until(
      () =>
        Promise.resolve(
          this.#events.some((e) => e.method === "Page.loadEventFired"),
        ),
      `load of ${url}`,
    );
  }

  /** Evaluates `expression` in the page (promises awaited) and returns its value. */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (r.exceptionDetails) {
      throw new Error(
        `Page script failed: ${JSON.stringify(r.exceptionDetails)}`,
      );
    }
    return (r.result as { value: T }).value;
  }

  /** Polls `check` every 100 ms until it holds, for at most `timeoutMs`. */
  async until(
    check: () => Promise<boolean>,
    what: string,
    timeoutMs = 20_000,
  ): Promise<void> {
    const started = performance.now();
    while (!(await check())) {
      if (performance.now() - started > timeoutMs) {
        throw new Error(`Timed out waiting for ${what}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** A PNG of the viewport. */
  async screenshot(): Promise<Uint8Array> {
    const { data } = await this.send("Page.captureScreenshot", {
      format: "png",
    });
    return Uint8Array.from(atob(String(data)), (c) => c.charCodeAt(0));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    const closed = new Promise((resolve) => {
      this.#ws.onclose = resolve;
    });
    this.#ws.close();
    await closed;
    try {
      this.#child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await this.#child.status;
    await Deno.remove(this.#profile, { recursive: true }).catch(() => {
      // Chromium may still be flushing its profile; it is a temp dir.
    });
  }
}

async function devToolsPort(profile: string): Promise<number> {
  const file = join(profile, "DevToolsActivePort");
  const started = performance.now();
  while (performance.now() - started < 30_000) {
    try {
      const port = Number((await Deno.readTextFile(file)).split("\n")[0]);
      if (port > 0) return port;
    } catch {
      // not written yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("Chromium did not open its DevTools port in 30 s");
}
