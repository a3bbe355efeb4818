// Fails when src/api/schema.d.ts is not what `npm run gen:api` makes from ../openapi.yaml,
// so a changed API shows up as a type error in the build instead of a broken screen.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "openclaw-api-"));
try {
  const fresh = join(dir, "schema.d.ts");
  execFileSync("npx", ["openapi-typescript", "../openapi.yaml", "-o", fresh], { cwd: root, stdio: "pipe" });
  const committed = readFileSync(join(root, "src/api/schema.d.ts"), "utf8");
  if (readFileSync(fresh, "utf8") !== committed) {
    console.error("src/api/schema.d.ts is out of date with openapi.yaml: run `make frontend-api` (npm run gen:api in frontend/)");
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches openapi.yaml");
} finally {
  rmSync(dir, { recursive: true, force: true });
}
