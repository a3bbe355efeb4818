// Starts the whole product as processes on free ports against a fresh database: the platform sandbox, an arq worker
// (its own Redis db and queue, a short confirmation deadline) and the API serving the built SPA. A tenant with an
// admin and a viewer is made by the CLI; the demo tenant is seeded against the sandbox and filled by the worker,
// and the setup waits until its board has settled. Addresses and credentials reach the tests through the
// environment (E2E_BASE_URL, E2E_SANDBOX_URL, E2E_*_EMAIL / _PASSWORD).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(frontend, "..");
const bin = join(repo, ".venv", "bin");
const DATABASE_URL =
  process.env.OPENCLAW_E2E_DATABASE_URL ?? "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_e2e";
const TENANT = "E2E Trading Co";
// The worker's queue lives in a Redis database of its own, emptied at the start of every run.
const REDIS_URL = process.env.OPENCLAW_E2E_REDIS_URL ?? "redis://127.0.0.1:6379/11";
const QUEUE_NAME = "openclaw:e2e";
// What the board stories need of the demo, and how long the workers may take to get there and settle.
const DEMO_MIN_OPEN_ERRORS = 60;
const DEMO_MIN_TYPES = 12;
const DEMO_FILL_SECONDS = 240;
const DEMO_SETTLED_SECONDS = 20;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? done(address.port) : fail(new Error("no port"))));
    });
  });
}

function cli(env: NodeJS.ProcessEnv, ...args: string[]): void {
  execFileSync(join(bin, "openclaw"), args, { cwd: repo, env, stdio: ["ignore", "ignore", "inherit"] });
}

function flushRedis(url: string): void {
  const script = "import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()";
  execFileSync(join(bin, "python"), ["-c", script, url], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
}

/** An `openclaw` subcommand running in the background, writing straight to test-output/<name>.log (not through a
 * pipe, which would fill and stall the process while a synchronous CLI call holds this event loop). */
function start(name: string, env: NodeJS.ProcessEnv, ...args: string[]): ChildProcess {
  const log = openSync(join(frontend, "test-output", `${name}.log`), "w");
  const child = spawn(join(bin, "openclaw"), args, { cwd: repo, env, stdio: ["ignore", log, log] });
  closeSync(log);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((wait) => setTimeout(wait, 10_000))]);
}

// A fresh database each run, so the stories never depend on what an earlier run left behind.
function dropDatabase(url: string): void {
  const script = `
import asyncio, sys
from sqlalchemy.engine import make_url
import asyncpg
url = make_url(sys.argv[1])
async def main():
    conn = await asyncpg.connect(host=url.host, port=url.port or 5432, user=url.username, password=url.password, database="postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    finally:
        await conn.close()
asyncio.run(main())
`;
  execFileSync(join(bin, "python"), ["-c", script, url], { cwd: repo, stdio: ["ignore", "ignore", "inherit"] });
}

async function waitFor(url: string, seconds: number, what: string): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`${what} did not answer at ${url} within ${seconds}s (see test-output/)`);
}

interface Group {
  status: string;
  severity: string;
  error_type: string;
  shop_name: string;
  count: number;
}

async function demoBoard(baseUrl: string, token: string): Promise<Group[]> {
  const groups: Group[] = [];
  for (const status of ["open", "handled"]) {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ status, limit: "200", ...(cursor ? { cursor } : {}) });
      const answer = await fetch(`${baseUrl}/v1/errors?${query}`, { headers: { Authorization: `Bearer ${token}` } });
      if (!answer.ok) throw new Error(`GET /v1/errors answered ${answer.status}`);
      const page = (await answer.json()) as { items: Group[]; next_cursor: string | null };
      groups.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
  }
  return groups;
}

/** Polls the demo board until it holds what the stories need and has stopped changing (the workers are done:
 * confirmations resolved or past their deadline), so that totals read twice in a story agree. */
async function waitForDemoBoard(baseUrl: string, account: { email: string; password: string }): Promise<string> {
  const login = await fetch(`${baseUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(account),
  });
  if (!login.ok) throw new Error(`the demo admin could not sign in: ${login.status}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const started = Date.now();
  let last = "";
  let stableSince = Date.now();
  let summary = "";
  while (Date.now() - started < DEMO_FILL_SECONDS * 1000) {
    const groups = await demoBoard(baseUrl, token);
    const open = groups.filter((g) => g.status === "open");
    const types = new Set(groups.map((g) => g.error_type));
    const state = JSON.stringify([groups.length, open.length, groups.reduce((n, g) => n + g.count, 0)]);
    if (state !== last) [last, stableSince] = [state, Date.now()];
    summary = `${open.filter((g) => g.severity === "error").length} open errors, ${types.size} types`;
    const enough =
      open.filter((g) => g.severity === "error").length >= DEMO_MIN_OPEN_ERRORS &&
      types.size >= DEMO_MIN_TYPES &&
      open.some((g) => g.severity === "warning") &&
      open.some((g) => g.shop_name === "Lazada TH");
    if (enough && Date.now() - stableSince >= DEMO_SETTLED_SECONDS * 1000) {
      return `${summary} after ${Math.round((Date.now() - started) / 1000)} s`;
    }
    await new Promise((wait) => setTimeout(wait, 2000));
  }
  throw new Error(`the demo board did not fill and settle within ${DEMO_FILL_SECONDS}s: ${summary}`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dist = join(frontend, "dist");
  if (!existsSync(join(dist, "index.html"))) throw new Error("frontend/dist is missing: run `npm run build` first");
  if (!existsSync(join(bin, "openclaw"))) throw new Error("the Python project is not installed: run `make setup` first");

  const env = {
    ...process.env,
    OPENCLAW_DATABASE_URL: DATABASE_URL,
    OPENCLAW_STATIC_DIR: dist,
    OPENCLAW_REDIS_URL: REDIS_URL,
    OPENCLAW_QUEUE_NAME: QUEUE_NAME,
    // Read-backs every 5 s; 75 s for a platform to confirm (past Lazada's 60 s), as `make run` sets them.
    OPENCLAW_CONFIRM_CHECK_SECONDS: "5",
    OPENCLAW_CONFIRM_DEADLINE_SECONDS: "75",
    // Alert rules post to receivers the stories start on 127.0.0.1 (cloud metadata addresses stay refused).
    OPENCLAW_ALLOW_PRIVATE_WEBHOOKS: "true",
  };
  const password = () => randomBytes(12).toString("base64url");
  const users = {
    admin: { email: "admin@e2e.openclaw.dev", password: password() },
    viewer: { email: "viewer@e2e.openclaw.dev", password: password() },
  };
  mkdirSync(join(frontend, "test-output"), { recursive: true });

  dropDatabase(DATABASE_URL);
  flushRedis(REDIS_URL);
  cli(env, "migrate");
  cli(env, "create-tenant", TENANT);
  for (const [role, user] of Object.entries(users)) {
    cli(env, "create-user", "--tenant", TENANT, "--email", user.email, "--password", user.password, "--role", role);
  }

  const [port, sandboxPort] = [await freePort(), await freePort()];
  const baseUrl = `http://127.0.0.1:${port}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  // The OAuth callback (and the links in alert messages) point at the API the browser uses.
  (env as NodeJS.ProcessEnv).OPENCLAW_PUBLIC_URL = baseUrl;
  const processes: ChildProcess[] = [];
  const stopAll = async () => {
    for (const child of processes.reverse()) await stop(child);
  };
  try {
    processes.push(start("sandbox", env, "sandbox", "--host", "127.0.0.1", "--port", String(sandboxPort)));
    await waitFor(`${sandboxUrl}/_sandbox/clock`, 30, "the sandbox");
    processes.push(start("worker", env, "worker"));
    processes.push(start("api", env, "serve", "--host", "127.0.0.1", "--port", String(port)));
    await waitFor(`${baseUrl}/healthz`, 60, "the API");

    // The board stories run on the demo tenant, which the worker fills: `seed-demo` connects its 12 shops to this
    // sandbox, writes its catalog and strategies and starts them; every error comes from a push to the sandbox.
    // The demo's users (admin, operator, viewer) share its password.
    const demoPassword = password();
    const demo = {
      admin: { email: "admin@demo.openclaw.dev", password: demoPassword },
      viewer: { email: "viewer@demo.openclaw.dev", password: demoPassword },
    };
    cli(env, "seed-demo", "--sandbox", sandboxUrl, "--password", demoPassword);
    console.log(`demo board: ${await waitForDemoBoard(baseUrl, demo.admin)}`);

    process.env.E2E_BASE_URL = baseUrl;
    process.env.E2E_SANDBOX_URL = sandboxUrl;
    process.env.E2E_TENANT = TENANT;
    process.env.E2E_ADMIN_EMAIL = users.admin.email;
    process.env.E2E_ADMIN_PASSWORD = users.admin.password;
    process.env.E2E_VIEWER_EMAIL = users.viewer.email;
    process.env.E2E_VIEWER_PASSWORD = users.viewer.password;
    process.env.E2E_DEMO_ADMIN_EMAIL = demo.admin.email;
    process.env.E2E_DEMO_ADMIN_PASSWORD = demo.admin.password;
    process.env.E2E_DEMO_VIEWER_EMAIL = demo.viewer.email;
    process.env.E2E_DEMO_VIEWER_PASSWORD = demo.viewer.password;
  } catch (error) {
    await stopAll();
    throw error;
  }

  return stopAll;
}
