// The app's HTTP server: Next.js behind a plain Node server (Next's documented custom server) so
// that every request carries the caller's real address. Next itself only fills X-Forwarded-For
// when a client did not, so a forged header would reach the app; here the socket's peer decides,
// and X-Forwarded-For counts only from TRUSTED_PROXIES (lib/auth/client-ip.ts).
// Usage: tsx scripts/app-server.ts [--dev] [-H host] [-p port]
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import next from "next";
import { parseTrustedProxies, stampClientIp } from "../lib/auth/client-ip";
import { env } from "../lib/env.js";
import { drainServer } from "../lib/http/drain-server";

const { values } = parseArgs({ options: { dev: { type: "boolean", default: false }, host: { type: "string", short: "H" }, port: { type: "string", short: "p" } } });
const hostname = values.host ?? env.HOST;
const port = Number(values.port ?? env.PORT);

let proxies: ReturnType<typeof parseTrustedProxies>;
try {
  proxies = parseTrustedProxies(env.TRUSTED_PROXIES);
} catch (e) {
  console.error(`cannot start: ${(e as Error).message}`);
  process.exit(1);
}

const app = next({ dev: values.dev, hostname, port });
await app.prepare();
const handle = app.getRequestHandler();
const server = createServer((req, res) => {
  stampClientIp(req, proxies);
  void handle(req, res);
});
server.listen(port, hostname, () => console.log(`app listening on http://${hostname}:${port}`));

// SIGTERM drains: no new connections, in-flight requests finish (bounded by APP_DRAIN_SECONDS).
const stop = async () => {
  console.log(`app draining (at most ${env.APP_DRAIN_SECONDS} s)`);
  const how = await drainServer(server, env.APP_DRAIN_SECONDS);
  if (how === "forced") console.warn("app: drain timed out; the remaining connections were closed");
  process.exit(how === "drained" ? 0 : 1);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
