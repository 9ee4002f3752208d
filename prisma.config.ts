import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "prisma/config";

const root = path.dirname(fileURLToPath(import.meta.url));

// Prisma's native schema engine is a downloaded binary (node_modules/@prisma/engines/
// schema-engine-<platform>). Where it is missing (offline installs, postinstall not
// allowed), route `prisma migrate ...` through the Wasm engine via a JSON-RPC shim.
function hasNativeSchemaEngine(): boolean {
  const dirs = [path.join(root, "node_modules/@prisma/engines"), path.join(root, "node_modules/prisma")];
  return dirs.some((dir) => {
    try {
      return fs.readdirSync(dir).some((name) => name.startsWith("schema-engine-"));
    } catch {
      return false;
    }
  });
}

if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY && !hasNativeSchemaEngine()) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, "scripts/prisma-wasm-engine.mjs");
}

// process.env rather than env(): env() throws when the variable is unset (e.g. `prisma generate` in postinstall).
const url = process.env.DATABASE_URL;
const shadowDatabaseUrl = process.env.SHADOW_DATABASE_URL;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
  },
  datasource: {
    ...(url ? { url } : {}),
    ...(shadowDatabaseUrl ? { shadowDatabaseUrl } : {}),
  },
});
