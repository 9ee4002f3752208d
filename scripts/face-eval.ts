// npm run face:eval: false match rate (FMR) and false non-match rate (FNMR), in ISO/IEC 19795-1
// terms, of the BDMI service's face comparison (Human 3.3 faceres embeddings on the WebAssembly
// backend, cosine similarity) over genuine and impostor pairs cut from the photos in
// @vladmandic/human's assets/ (test/face-fixtures.ts). A tiny, non-independent set: see README.
import { env } from "../lib/env.js";
import { analyseJpeg, cosine } from "../lib/bdmi/service/face-engine";
import { FACE_PHOTOS, photoJpeg } from "../test/face-fixtures";

const fmt = (x: number) => `${(100 * x).toFixed(1)}%`;

async function main() {
  const samples: { id: string; person: string; embedding: number[] }[] = [];
  let failedToAcquire = 0;
  for (const p of FACE_PHOTOS) {
    const a = await analyseJpeg(photoJpeg(p.id));
    if (a.faces.length !== 1) {
      failedToAcquire++;
      console.log(`  ${p.id}: ${a.faces.length} faces, not used`);
      continue;
    }
    samples.push({ id: p.id, person: p.person, embedding: a.faces[0]!.embedding });
  }
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const s = cosine(samples[i]!.embedding, samples[j]!.embedding);
      (samples[i]!.person === samples[j]!.person ? genuine : impostor).push(s);
    }
  }
  const persons = new Set(samples.map((s) => s.person)).size;
  const rates = (t: number) => ({ fmr: impostor.filter((s) => s >= t).length / impostor.length, fnmr: genuine.filter((s) => s < t).length / genuine.length });
  console.log(`samples: ${samples.length} images of ${persons} people (failure to acquire: ${failedToAcquire}/${FACE_PHOTOS.length})`);
  console.log(`pairs: ${genuine.length} genuine, ${impostor.length} impostor`);
  console.log(`genuine similarity: min ${Math.min(...genuine).toFixed(3)}, median ${genuine.sort((a, b) => a - b)[genuine.length >> 1]!.toFixed(3)}`);
  console.log(`impostor similarity: max ${Math.max(...impostor).toFixed(3)}, median ${impostor.sort((a, b) => a - b)[impostor.length >> 1]!.toFixed(3)}`);
  console.log("threshold  FMR      FNMR");
  const marks = new Map([[env.BDMI_MATCH_THRESHOLD, "match (pass)"], [env.BDMI_MATCH_REVIEW_THRESHOLD, "review"]]);
  for (const t of [...new Set([0.5, 0.55, env.BDMI_MATCH_REVIEW_THRESHOLD, 0.65, env.BDMI_MATCH_THRESHOLD, 0.75, 0.8])].sort()) {
    const r = rates(t);
    console.log(`${t.toFixed(2).padEnd(10)} ${fmt(r.fmr).padEnd(8)} ${fmt(r.fnmr).padEnd(8)} ${marks.get(t) ?? ""}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
