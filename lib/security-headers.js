// The response security headers, in one place. Plain ESM like lib/env.js so that next.config.mjs
// (the static headers of API answers and files) and proxy.ts (each page's CSP with its nonce) share
// them, and a unit test can read them. Nothing here reads the environment.

/** Two years, the HSTS preload list's minimum; sent only on answers to HTTPS requests (RFC 6797 §7.2). */
export const HSTS = "max-age=63072000; includeSubDomains";

/**
 * strict-origin-when-cross-origin, not no-referrer: with no-referrer a browser sends `Origin: null`
 * on the app's own same-origin POSTs (Fetch, "append a request Origin header"), which the route
 * wrappers' same-origin check (lib/server/request-guard.ts) could not tell from a foreign page.
 */
export const REFERRER_POLICY = "strict-origin-when-cross-origin";

/** Headers for every answer: pages, API and static files. */
export const COMMON_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: REFERRER_POLICY },
  // frame-ancestors 'none' is the rule; X-Frame-Options is for browsers that predate it.
  { key: "X-Frame-Options", value: "DENY" },
  // An internal platform: no page, API answer or file of it belongs in a search index.
  { key: "X-Robots-Tag", value: "noindex, nofollow" },
];

/** Browser features no page of the platform uses, refused to the page and anything it embeds. */
const REFUSED_FEATURES = ["microphone", "geolocation", "payment", "usb", "serial", "hid", "display-capture", "browsing-topics"];

/**
 * Permissions-Policy: the camera only where a page needs it (cameraAllowed); everywhere else the
 * camera is refused too.
 * @param {{ camera: boolean }} o
 */
export function permissionsPolicy({ camera }) {
  return [`camera=${camera ? "(self)" : "()"}`, ...REFUSED_FEATURES.map((f) => `${f}=()`)].join(", ");
}

/**
 * The kiosk's pages: the only ones that run the face models (WebAssembly) in the browser.
 * @param {string} pathname
 */
export function isKioskPath(pathname) {
  return pathname === "/kiosk" || pathname.startsWith("/kiosk/");
}

/**
 * Pages that may open the camera: the kiosk (it films the pensioner's check) and a pensioner's
 * page, where an officer on a home visit may take the reference photo with the device's camera
 * (components/officer/face-enrol.tsx). Nowhere else.
 * @param {string} pathname
 */
export function cameraAllowed(pathname) {
  return isKioskPath(pathname) || /^\/roll\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(pathname);
}

/** API answers are JSON, never documents: they may load nothing and be framed by no one. */
export const API_HEADERS = [
  { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'" },
  { key: "Permissions-Policy", value: permissionsPolicy({ camera: false }) },
];

/**
 * A page's Content-Security-Policy (Next.js guide "Content Security Policy", nonces with Proxy;
 * web.dev "Strict CSP"). Scripts run only with this request's nonce, which Next.js puts on its own
 * scripts; 'strict-dynamic' passes the trust on to the chunks those scripts load (and to the kiosk's
 * import() of /models/human.esm.js). 'self' is only a fallback for browsers without 'strict-dynamic'.
 *
 * Styles: <style> and stylesheets need 'self' or the nonce, but style *attributes* are allowed
 * ('unsafe-inline' in style-src-attr only): React renders style={...} props as attributes in the
 * server's HTML (the charts, progress bars), and a nonce cannot cover an attribute. Tailwind's CSS
 * is a same-origin stylesheet.
 *
 * @param {{ nonce: string, kiosk: boolean, dev: boolean, https: boolean }} o
 */
export function contentSecurityPolicy({ nonce, kiosk, dev, https }) {
  const script = ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"];
  // The kiosk's face models (Human on tfjs's WebAssembly backend, public/models/wasm) compile
  // WebAssembly, which CSP blocks unless 'wasm-unsafe-eval'. It allows WebAssembly compilation
  // only, not eval() of JavaScript; no other page runs WebAssembly, so no other page gets it.
  if (kiosk) script.push("'wasm-unsafe-eval'");
  // React's development build uses eval() for its error overlays (the Next.js guide); never in production.
  if (dev) script.push("'unsafe-eval'");
  const directives = [
    "default-src 'self'",
    `script-src ${script.join(" ")}`,
    // Next's development overlay injects unnonced <style> elements: development only.
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    // data: and blob: for the QR codes, the camera's frames drawn to canvas and previews of chosen files.
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // fetch of the API, of the face models and of tfjs's .wasm files: this server only. The kiosk
    // also fetches data: URLs (Human's warm-up decodes its built-in sample image that way).
    kiosk ? "connect-src 'self' data:" : "connect-src 'self'",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  // Only over HTTPS: on plain http://localhost it would send the page's own assets to https://.
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/**
 * Whether the request reached us over HTTPS: TLS to this server, or the bureau's reverse proxy
 * saying so in X-Forwarded-Proto (its first value is the client's hop).
 * @param {{ get(name: string): string | null }} headers
 * @param {string} urlProtocol e.g. "https:"
 */
export function cameOverHttps(headers, urlProtocol) {
  const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return urlProtocol === "https:";
}
