import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

// In a child process of its own: a lowered priority cannot be raised back, and the test runner should keep its own.
const niceAfter = (code: string) =>
  spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", `import { lowerWorkerPriority } from "./lib/worker/priority.ts"; ${code}`], { cwd: ROOT, encoding: "utf8" });

describe("the worker's OS priority", () => {
  it("lowers to the nice value asked for, and never raises it", () => {
    const base = os.getPriority();
    const r = niceAfter(`console.log(lowerWorkerPriority(${base + 5}), lowerWorkerPriority(${base}));`);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(`${base + 5} ${base + 5}`);
  });

  it("leaves the priority alone at 0", () => {
    const r = niceAfter(`console.log(lowerWorkerPriority(0));`);
    expect(Number(r.stdout.trim())).toBe(os.getPriority());
  });
});
