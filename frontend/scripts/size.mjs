// Prints the gzip size of the JavaScript the first page load needs (the entry and the chunks it preloads),
// and fails when it is over the budget of the SPA issue. Other screens are lazy chunks and not counted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 400;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");

const initial = new Set();
for (const match of html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g)) initial.add(match[1]);
for (const match of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)) initial.add(match[1]);
if (initial.size === 0) {
  console.error("no module script found in dist/index.html: build first (npm run build)");
  process.exit(1);
}

let total = 0;
for (const src of initial) {
  const bytes = readFileSync(join(dist, src.replace(/^\//, "")));
  const gzipped = gzipSync(bytes, { level: 9 }).length;
  total += gzipped;
  console.log(`  ${src}  ${(bytes.length / 1024).toFixed(1)} KB raw, ${(gzipped / 1024).toFixed(1)} KB gzip`);
}
const totalKb = total / 1024;
console.log(`initial JS (gzip): ${totalKb.toFixed(1)} KB (budget ${BUDGET_KB} KB)`);
if (totalKb > BUDGET_KB) process.exit(1);
