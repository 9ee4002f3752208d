// Copies the face models the kiosk needs from @vladmandic/human (which ships them in its npm
// package) into public/models, so the kiosk page loads them from this server and never from a CDN.
// Plain .mjs so `postinstall` and the launcher can run it before anything is compiled.
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Only the face pipeline: detector, mesh, iris (eye openness for the blink step), anti-spoof,
// liveness and the 1024-float description (faceres). About 13 MB; the package's other models
// (body, hands, emotion, ...) stay out.
export const FACE_MODELS = ["blazeface", "facemesh", "iris", "antispoof", "liveness", "faceres"];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The installed package's folder; its `exports` may hide package.json, so walk up from its entry.
 * @param {NodeJS.Require} require
 * @param {string} name
 */
function packageDir(require, name) {
  let dir = path.dirname(require.resolve(name));
  while (!existsSync(path.join(dir, "package.json")) || path.basename(dir) === "dist") dir = path.dirname(dir);
  return dir;
}

/**
 * Copies unless the target already has the same size: these are versioned, immutable files, and an
 * untouched target keeps its mtime, so the launcher does not see "changed sources" and rebuild.
 * @param {string} from
 * @param {string} to
 * @returns {number} the file's size
 */
function copyIfChanged(from, to) {
  const size = statSync(from).size;
  if (!existsSync(to) || statSync(to).size !== size) copyFileSync(from, to);
  return size;
}

export function copyFaceModels({ quiet = false } = {}) {
  const require = createRequire(path.join(root, "package.json"));
  let pkgDir;
  try {
    pkgDir = packageDir(require, "@vladmandic/human");
  } catch {
    // `npm install --omit=dev` before the dependency exists, or a broken install: the kiosk page
    // then says the camera check is unavailable rather than the install failing here.
    if (!quiet) console.warn("copy-face-models: @vladmandic/human is not installed; skipped");
    return 0;
  }
  const out = path.join(root, "public", "models");
  mkdirSync(out, { recursive: true });
  let bytes = 0;
  for (const name of FACE_MODELS) {
    for (const ext of [".json", ".bin"]) {
      bytes += copyIfChanged(path.join(pkgDir, "models", name + ext), path.join(out, name + ext));
    }
  }
  // Human's browser build itself, loaded by the kiosk page at run time (components/kiosk/face-engine.ts).
  bytes += copyIfChanged(path.join(pkgDir, "dist", "human.esm.js"), path.join(out, "human.esm.js"));
  // tfjs's WebAssembly backend fetches its .wasm binaries at run time (by default from a CDN, which
  // this offline deployment cannot reach); serve them beside the models as the fallback for
  // browsers without WebGL.
  try {
    const wasmDir = path.join(packageDir(require, "@tensorflow/tfjs-backend-wasm"), "dist");
    mkdirSync(path.join(out, "wasm"), { recursive: true });
    for (const f of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
      const from = path.join(wasmDir, f);
      if (!existsSync(from)) continue;
      bytes += copyIfChanged(from, path.join(out, "wasm", f));
    }
  } catch {
    if (!quiet) console.warn("copy-face-models: @tensorflow/tfjs-backend-wasm is not installed; the kiosk falls back to the CPU backend");
  }
  if (!quiet) console.log(`copy-face-models: ${FACE_MODELS.length} models in public/models (${(bytes / 1e6).toFixed(1)} MB)`);
  return bytes;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) copyFaceModels();
