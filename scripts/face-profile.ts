// npm run face:profile: what one liveness frame costs in the BDMI service, stage by stage
// (JPEG decode, thumbnail, Human's detect with its per-model timings), on this machine, one frame
// at a time in this thread (no pool). Used for bench/notes/kiosk.md.
import { decodeJpeg } from "../lib/bdmi/service/face-image";
import { analyseHere, humanHere } from "../lib/bdmi/service/face-model";
import { photoJpeg } from "../test/face-fixtures";

const N = Number(process.argv[2] ?? 20);
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const frames = [photoJpeg("man-tile-1"), photoJpeg("man-tile-3", { shift: [12, -8] })];
  const t0 = performance.now();
  const human = await humanHere();
  console.log(`load + warm-up: ${Math.round(performance.now() - t0)} ms; backend ${human.tf.getBackend()}`);
  const tfenv = human.tf.env();
  for (const f of ["WASM_HAS_SIMD_SUPPORT", "WASM_HAS_MULTITHREAD_SUPPORT"]) console.log(`${f}: ${await tfenv.getAsync(f).catch(() => "?")}`);
  for (const f of frames) {
    const d = decodeJpeg(f);
    console.log(`frame ${d.width}×${d.height}, ${f.length} bytes`);
  }
  const decode: number[] = [];
  const total: number[] = [];
  const detect: number[] = [];
  const perf: Record<string, number[]> = {};
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < N; i++) {
    const f = frames[i % 2]!;
    let t = performance.now();
    const img = decodeJpeg(f);
    decode.push(performance.now() - t);
    const tensor = human.tf.tensor3d(img.data, [img.height, img.width, 3], "int32");
    t = performance.now();
    const r = await human.detect(tensor);
    detect.push(performance.now() - t);
    human.tf.dispose(tensor);
    for (const [k, v] of Object.entries(r.performance as Record<string, number>)) (perf[k] ??= []).push(v);
    t = performance.now();
    await analyseHere(f);
    total.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  // CPU time is what a frame costs a core whatever else the machine runs; wall time is not.
  console.log(`CPU per frame (decode + detect + analyseHere, i.e. 2 analyses): ${((cpu.user + cpu.system) / 1000 / N / 2).toFixed(1)} ms an analysis; wall ${((performance.now() - wall0) / N / 2).toFixed(1)} ms`);
  console.log(`decode (jpeg-js) median ${med(decode).toFixed(1)} ms`);
  console.log(`human.detect median ${med(detect).toFixed(1)} ms`);
  console.log(`analyseJpeg (decode + thumb + detect) median ${med(total).toFixed(1)} ms`);
  for (const [k, v] of Object.entries(perf)) console.log(`  human.performance.${k}: median ${med(v).toFixed(1)} ms`);
}

void main();
