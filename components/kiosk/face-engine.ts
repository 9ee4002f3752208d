import type { Config, Human } from "@vladmandic/human";

// Human (github.com/vladmandic/human) in the kiosk's browser: face box, 468-point mesh with iris,
// rotation, anti-spoof and liveness scores, and the 1024-float description the server compares.
// Its models come from this server (public/models, copied from the npm package at build time).

const CONFIG: Partial<Config> = {
  modelBasePath: "/models/",
  // tfjs's WebAssembly binaries, copied beside the models; the default is a CDN.
  wasmPath: "/models/wasm/",
  debug: false,
  face: {
    enabled: true,
    // Two, so a second person in view is noticed rather than ignored.
    detector: { enabled: true, rotation: false, maxDetected: 2, minConfidence: 0.5, return: false },
    mesh: { enabled: true },
    iris: { enabled: true },
    attention: { enabled: false },
    description: { enabled: true },
    emotion: { enabled: false },
    antispoof: { enabled: true },
    liveness: { enabled: true },
  } as Config["face"],
  body: { enabled: false } as Config["body"],
  hand: { enabled: false } as Config["hand"],
  object: { enabled: false } as Config["object"],
  segmentation: { enabled: false } as Config["segmentation"],
  gesture: { enabled: false },
  filter: { enabled: true, equalization: false } as Config["filter"],
};

/**
 * WebGL only with a real GPU: a software rasteriser (SwiftShader, llvmpipe; headless Chromium with
 * --disable-gpu) takes seconds a frame, where WebAssembly takes tens of milliseconds.
 */
function hardwareWebgl(): boolean {
  try {
    const gl = document.createElement("canvas").getContext("webgl2") ?? document.createElement("canvas").getContext("webgl");
    if (!gl) return false;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    return !/swiftshader|llvmpipe|software|basic render/i.test(renderer);
  } catch {
    return false;
  }
}

/** Copied from the package's dist/ by scripts/copy-face-models.mjs. */
const HUMAN_URL = "/models/human.esm.js";

let loading: Promise<Human> | null = null;

/** One Human per page, models loaded once; tries the backends in order and keeps the first that works. */
export function loadFaceEngine(): Promise<Human> {
  loading ??= (async () => {
    // Human's browser build (tfjs inside) is served as a file beside the models and loaded only
    // here, not bundled: for server rendering the bundler would pick the package's Node build,
    // which needs @tensorflow/tfjs-node, and the kiosk's first screens stay light.
    const { Human } = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ HUMAN_URL)) as typeof import("@vladmandic/human");
    const backends = [...(hardwareWebgl() ? ["webgl"] : []), "wasm", "cpu"] as const;
    let lastError: unknown = null;
    for (const backend of backends) {
      try {
        const human = new Human({ ...CONFIG, backend } as Partial<Config>);
        await human.load();
        await human.warmup();
        if (!human.models.loaded().some((m: string) => m.includes("faceres"))) throw new Error("face models missing");
        return human;
      } catch (e) {
        lastError = e;
      }
    }
    throw lastError ?? new Error("no backend");
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
