// npm run test:e2e: Playwright against the production build, on a fresh embedded database and a
// free port, both chosen here so parallel runs on one machine do not collide.
import { spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { childEnv, testEnv } from "../lib/env.js";
import { freePort } from "../lib/db/embedded";

const require = createRequire(import.meta.url);

// The one system package the tests need. Without it every browser test would fail alike, one by one.
if (testEnv.chromiumPath) {
  try {
    accessSync(testEnv.chromiumPath, constants.X_OK);
  } catch {
    console.error(
      `e2e: no Chromium at ${testEnv.chromiumPath}. Install Debian's (as root: apt-get install -y chromium), or set CHROMIUM_PATH to another Chromium (empty for Playwright's own).`,
    );
    process.exit(1);
  }
}
const dataDir = path.resolve(".data/e2e");
rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();

// Chromium lays text out with fontconfig's fonts; a machine without any (no fonts package, or
// /usr/share/fonts hidden) would give every text a zero-sized box. The browser gets a fontconfig
// of its own that adds Noto Sans SC from node_modules (the notices' font: Latin and CJK) to
// whatever the system has.
mkdirSync(dataDir, { recursive: true });
const noto = path.resolve("node_modules/@expo-google-fonts/noto-sans-sc");
const fontsConf = path.join(dataDir, "fonts.conf");
writeFileSync(
  fontsConf,
  `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${path.join(noto, "400Regular")}</dir>
  <dir>${path.join(noto, "700Bold")}</dir>
  <cachedir>${path.join(dataDir, "fontconfig-cache")}</cachedir>
</fontconfig>
`,
);
const child = spawn(process.execPath, [require.resolve("@playwright/test/cli"), "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  // The fixtures call server modules directly, which `import "server-only"`: resolve it as React
  // Server Components do. The web server is started without this condition (playwright.config.ts).
  env: childEnv({ DATA_DIR: dataDir, E2E_PORT: String(port), PORT: String(port), NODE_OPTIONS: "--conditions=react-server", FONTCONFIG_FILE: fontsConf }),
});
child.on("exit", (code) => process.exit(code ?? 1));
