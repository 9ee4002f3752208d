import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { childEnv } from "../env.js";

const require = createRequire(import.meta.url);

/** Applies prisma/migrations with Prisma's own `migrate deploy` (native engine, or the wasm shim offline). */
export async function migrate(databaseUrl: string): Promise<void> {
  const cli = require.resolve("prisma/build/index.js");
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, "migrate", "deploy"], {
      env: childEnv({ DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`prisma migrate deploy failed (${code}):\n${out}`))));
  });
}
