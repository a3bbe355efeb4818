// First load of the error board with a large tenant: seeds N error groups (default 200,000 with 1,000,000 events)
// into a dedicated database with the board benchmark's set-based SQL (bench/board_bench.py), serves the built SPA
// and the API with `openclaw serve`, and measures in Debian's chromium the time from navigation to visible table
// rows, in a fresh browser context (cold cache) each run. Prints it beside the initial JS size (gzip).
//
//   npm run bench:board                                   # 200,000 groups, 1,000,000 events, 5 runs
//   npm run bench:board -- --groups 20000 --events 100000 # a quick run
//   npm run bench:board -- --reuse                        # keep the seeded database, measure again
//
// Not part of `make test`. Targets of the SPA issue: rows visible <= 1.5 s, initial JS <= 400 KB gzip.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

import { chromium } from "playwright-core";

const frontend = resolve(new URL("..", import.meta.url).pathname);
const repo = resolve(frontend, "..");
const bin = join(repo, ".venv", "bin");
const dist = join(frontend, "dist");
const CHROMIUM = process.env.OPENCLAW_CHROMIUM ?? "/usr/bin/chromium";
const TENANT = "bench-board"; // the tenant bench/board_bench.py seeds

const { values: args } = parseArgs({
  options: {
    groups: { type: "string", default: "200000" },
    events: { type: "string", default: "1000000" },
    runs: { type: "string", default: "5" },
    reuse: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    "database-url": {
      type: "string",
      default: "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_bench_board_ui",
    },
  },
});
const DATABASE_URL = args["database-url"];

// Seeds (or, with --reuse, keeps) the database through the board benchmark's own functions.
const SEED = `
import asyncio, sys, time
sys.path.insert(0, ".")
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from api.config import Settings
from bench.board_bench import create_tenant, migrate, recreate, seed, shares, tenant_of

async def main():
    url, groups, events, reuse = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
    owner = create_async_engine(url)
    tenant_id = None
    if reuse:
        await migrate(url)
        tenant_id = await tenant_of(owner)
    if tenant_id is None:
        print(f"seeding {groups:,} groups and {events:,} events ...", flush=True)
        started = time.perf_counter()
        await owner.dispose()
        await recreate(url)
        owner = create_async_engine(url)
        tenant_id = await create_tenant(Settings(database_url=url, static_dir="-"))
        await seed(owner, tenant_id, groups, events)
        async with owner.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    print(await shares(owner, tenant_id), flush=True)
    await owner.dispose()

asyncio.run(main())
`;

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function waitForHealth(baseUrl, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`the API did not answer at ${baseUrl} within ${seconds}s`);
}

const gzipKb = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length / 1024;

/** The JS the first page load needs before any screen: the entry and the chunks index.html preloads. */
function initialJs() {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const files = new Set();
  for (const m of html.matchAll(/<script[^>]+type="module"[^>]+src="\/([^"]+)"/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/([^"]+)"/g)) files.add(m[1]);
  return [...files].reduce((sum, file) => sum + gzipKb(file), 0);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  console.log("building the SPA ...");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: frontend, stdio: ["ignore", "ignore", "inherit"] });

  execFileSync(join(bin, "python"), ["-c", SEED, DATABASE_URL, args.groups, args.events, args.reuse ? "1" : "0"], {
    cwd: repo,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const env = { ...process.env, OPENCLAW_DATABASE_URL: DATABASE_URL, OPENCLAW_STATIC_DIR: dist };
  const user = { email: `ui-bench-${Date.now()}@bench.example`, password: randomBytes(12).toString("base64url") };
  execFileSync(
    join(bin, "openclaw"),
    ["create-user", "--tenant", TENANT, "--email", user.email, "--password", user.password, "--role", "operator"],
    { cwd: repo, env, stdio: ["ignore", "ignore", "inherit"] },
  );

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(join(bin, "openclaw"), ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: repo,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    await waitForHealth(baseUrl, 60);
    const login = await fetch(`${baseUrl}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(user),
    });
    if (!login.ok) throw new Error(`login failed: HTTP ${login.status}`);
    const session = login.headers.get("set-cookie").split(";")[0].split("=");
    const cookie = { name: session[0], value: session.slice(1).join("="), url: baseUrl };

    const times = [];
    let boardJs = 0;
    for (let run = 0; run <= Number(args.runs); run++) {
      // A new context each run: an empty HTTP cache, like a first visit; run 0 warms the API process only.
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([cookie]);
      const page = await context.newPage();
      const scripts = new Set();
      page.on("response", (response) => {
        const path = new URL(response.url()).pathname;
        if (path.endsWith(".js")) scripts.add(path.slice(1));
      });
      const started = performance.now();
      await page.goto(`${baseUrl}/`);
      await page.getByTestId("board-row").first().waitFor({ state: "visible", timeout: 30_000 });
      const elapsed = performance.now() - started;
      const rows = await page.getByTestId("board-row").count();
      if (args.verbose && run === Number(args.runs)) {
        // Where the time went: every request of the load, from navigation start, in ms.
        const entries = await page.evaluate(() =>
          performance.getEntriesByType("resource").map((e) => [e.name, e.startTime, e.responseEnd]),
        );
        for (const [name, start, end] of entries) {
          console.log(`    ${start.toFixed(0).padStart(5)} → ${end.toFixed(0).padStart(5)}  ${new URL(name).pathname}`);
        }
      }
      if (run > 0) times.push(elapsed);
      boardJs = [...scripts].reduce((sum, file) => sum + gzipKb(file), 0);
      console.log(`  run ${run}${run === 0 ? " (warm-up)" : ""}: ${rows} rows visible after ${elapsed.toFixed(0)} ms`);
      await context.close();
    }

    const visible = median(times);
    const initial = initialJs();
    console.log("");
    console.log(`board first load, navigation to visible rows: median ${visible.toFixed(0)} ms over ${times.length} cold runs`
      + ` (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; target <= 1500 ms)`);
    console.log(`initial JS (gzip): ${initial.toFixed(1)} KB (target <= 400 KB); all JS the board's first view loaded:`
      + ` ${boardJs.toFixed(1)} KB gzip (the board, its table and the chart library are lazy chunks)`);
    if (visible > 1500 || initial > 400) process.exitCode = 1;
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
}

await main();
