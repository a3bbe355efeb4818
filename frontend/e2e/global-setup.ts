// Starts the real API (serving the built SPA) on a free port against a fresh database with a tenant, an admin and
// a viewer made by the CLI, and hands their addresses and credentials to the tests through the environment.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(frontend, "..");
const bin = join(repo, ".venv", "bin");
const DATABASE_URL =
  process.env.OPENCLAW_E2E_DATABASE_URL ?? "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_e2e";
const TENANT = "E2E Trading Co";
const DEMO_TENANT = "Demo Trading Co.";

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

async function waitForHealth(baseUrl: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((wait) => setTimeout(wait, 250));
  }
  throw new Error(`the API did not answer at ${baseUrl} within ${seconds}s (see test-output/api.log)`);
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dist = join(frontend, "dist");
  if (!existsSync(join(dist, "index.html"))) throw new Error("frontend/dist is missing: run `npm run build` first");
  if (!existsSync(join(bin, "openclaw"))) throw new Error("the Python project is not installed: run `make setup` first");

  const env = { ...process.env, OPENCLAW_DATABASE_URL: DATABASE_URL, OPENCLAW_STATIC_DIR: dist };
  const password = () => randomBytes(12).toString("base64url");
  const users = {
    admin: { email: "admin@e2e.openclaw.dev", password: password() },
    viewer: { email: "viewer@e2e.openclaw.dev", password: password() },
  };

  dropDatabase(DATABASE_URL);
  cli(env, "migrate");
  cli(env, "create-tenant", TENANT);
  for (const [role, user] of Object.entries(users)) {
    cli(env, "create-user", "--tenant", TENANT, "--email", user.email, "--password", user.password, "--role", role);
  }
  // The board stories run on the demo tenant: `seed-demo` ingests realistic platform errors with their traces
  // through the same services the workers use (12 shops, 3 strategies, ~600 groups over the last 10 days).
  const demo = {
    admin: { email: "admin@demo.openclaw.dev", password: password() },
    viewer: { email: "viewer@demo.openclaw.dev", password: password() },
  };
  cli(env, "seed-demo", "--password", demo.admin.password);
  cli(env, "create-user", "--tenant", DEMO_TENANT, "--email", demo.viewer.email, "--password", demo.viewer.password, "--role", "viewer");

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  mkdirSync(join(frontend, "test-output"), { recursive: true });
  const log = createWriteStream(join(frontend, "test-output", "api.log"));
  const server = spawn(join(bin, "openclaw"), ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: repo,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const exited = new Promise<void>((done) => server.once("exit", () => done()));

  try {
    await waitForHealth(baseUrl, 60);
  } catch (error) {
    server.kill("SIGTERM");
    throw error;
  }

  process.env.E2E_BASE_URL = baseUrl;
  process.env.E2E_TENANT = TENANT;
  process.env.E2E_ADMIN_EMAIL = users.admin.email;
  process.env.E2E_ADMIN_PASSWORD = users.admin.password;
  process.env.E2E_VIEWER_EMAIL = users.viewer.email;
  process.env.E2E_VIEWER_PASSWORD = users.viewer.password;
  process.env.E2E_DEMO_ADMIN_EMAIL = demo.admin.email;
  process.env.E2E_DEMO_ADMIN_PASSWORD = demo.admin.password;
  process.env.E2E_DEMO_VIEWER_EMAIL = demo.viewer.email;
  process.env.E2E_DEMO_VIEWER_PASSWORD = demo.viewer.password;

  return async () => {
    server.kill("SIGTERM");
    await Promise.race([exited, new Promise((wait) => setTimeout(wait, 10_000))]);
    log.end();
  };
}
