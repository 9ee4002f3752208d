import { NextResponse, type NextRequest } from "next/server";
import { env } from "./lib/env.js";
import { cameOverHttps, cameraAllowed, contentSecurityPolicy, HSTS, isKioskPath, permissionsPolicy } from "./lib/security-headers.js";

/**
 * Every page's Content-Security-Policy with a fresh nonce (Next.js 16 guide "Content Security
 * Policy": the policy goes on the request, where Next.js reads the nonce and puts it on its own
 * scripts, and on the response), its Permissions-Policy, and HSTS when the request came over
 * HTTPS. API answers and static files get their headers from next.config.mjs instead: this matcher
 * leaves /api out, because Next.js buffers the body of every request a proxy sees (up to
 * proxyClientMaxBodySize, 10 MB, then silently cut), which would truncate roll uploads and defeat
 * the route wrappers' own streamed body cap. Authorisation is not done here (conventions).
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const pathname = request.nextUrl.pathname;
  const https = cameOverHttps(request.headers, request.nextUrl.protocol);
  const csp = contentSecurityPolicy({ nonce, kiosk: isKioskPath(pathname), dev: env.NODE_ENV === "development", https });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  response.headers.set("Permissions-Policy", permissionsPolicy({ camera: cameraAllowed(pathname) }));
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: not the API, Next's static chunks and images, the face models, or public/ files.
      source: "/((?!api/|api$|_next/static|_next/image|models/|.*\\.(?:ico|png|svg|webmanifest|txt|js|wasm|json|bin)$).*)",
      // Prefetches carry no document, so no policy (the guide's recommendation).
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
