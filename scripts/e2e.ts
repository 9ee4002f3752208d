// npm run test:e2e: Playwright against the production build, on a fresh embedded database and a
// free port, both chosen here so parallel runs on one machine do not collide.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { childEnv } from "../lib/env.js";
import { freePort } from "../lib/db/embedded";

const require = createRequire(import.meta.url);
const dataDir = path.resolve(".data/e2e");
rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const child = spawn(process.execPath, [require.resolve("@playwright/test/cli"), "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  // The fixtures call server modules directly, which `import "server-only"`: resolve it as React
  // Server Components do. The web server is started without this condition (playwright.config.ts).
  env: childEnv({ DATA_DIR: dataDir, E2E_PORT: String(port), PORT: String(port), NODE_OPTIONS: "--conditions=react-server" }),
});
child.on("exit", (code) => process.exit(code ?? 1));
