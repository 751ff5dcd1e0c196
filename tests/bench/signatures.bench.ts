// SM2 (GB/T 32918.2 with SM3 and the default user id) sign and verify per operation: the package's implementation on
// @noble/curves (fixed-base table for G, cached per-key table and Z_A) against the previous sm-crypto-v2 one, in the
// same run, on the same keys and messages. Verification uses a handful of recurring keys, as in production (a
// ward's physicians and pharmacists, the CA); a cold-key figure shows the cost when the key is not cached.
import { performance } from "node:perf_hooks";

import { generateKeyPair, signMessage, verifyMessage } from "@ihp/signatures";

import { signSm2 as legacySign, verifySm2 as legacyVerify } from "../../packages/signatures/test/support/legacySm2.js";
import { round, summarise, type Timing } from "./stats.js";

const KEYS = 8;
const OPS = 2_000;
const WARMUP = 200;

function time(count: number, op: (i: number) => void): Timing {
  // Warm-up indices follow the measured ones, so a cold-key run never meets a key twice.
  for (let i = 0; i < WARMUP; i++) op(count + i);
  const latencies: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    op(i);
    latencies.push(performance.now() - t);
  }
  return summarise(count, performance.now() - start, latencies);
}

function meanMs(timing: Timing): number {
  return round(1000 / timing.perSec, 3);
}

export function runSignatureBench(): Promise<void> {
  const keys = Array.from({ length: KEYS }, () => generateKeyPair("SM2_SM3"));
  const messages = Array.from({ length: OPS }, (_, i) =>
    new TextEncoder().encode(JSON.stringify({ prescriptionId: `rx-${i}`, items: [{ drug: "XA10BA02", quantity: 28 }] })),
  );
  const key = (i: number) => keys[i % KEYS]!;
  const message = (i: number) => messages[i % OPS]!;
  const signatures = messages.map((m, i) => signMessage("SM2_SM3", key(i).privateKey, m));
  const check = (ok: boolean) => {
    if (!ok) throw new Error("a signature did not verify");
  };

  const results = {
    newSign: time(OPS, (i) => void signMessage("SM2_SM3", key(i).privateKey, message(i))),
    oldSign: time(OPS / 4, (i) => void legacySign(key(i).privateKey, message(i))),
    newVerify: time(OPS, (i) => check(verifyMessage("SM2_SM3", key(i).publicKey, message(i), signatures[i % OPS]!))),
    oldVerify: time(OPS / 4, (i) => check(legacyVerify(key(i).publicKey, message(i), signatures[i % OPS]!))),
    // A fresh key each time: decoding, Z_A and the lazily built table are paid on every call.
    newVerifyColdKey: (() => {
      const cold = Array.from({ length: 300 + WARMUP }, () => generateKeyPair("SM2_SM3"));
      // Signed by the old implementation, which does not touch the new one's caches.
      const coldSigs = cold.map((k, i) => legacySign(k.privateKey, message(i)));
      return time(300, (i) => check(verifyMessage("SM2_SM3", cold[i]!.publicKey, message(i), coldSigs[i]!)));
    })(),
  };

  for (const [name, t] of Object.entries(results)) {
    process.stdout.write(`${name.padEnd(18)} mean ${meanMs(t).toFixed(3)} ms  p50 ${t.p50Ms.toFixed(3)} ms  p99 ${t.p99Ms.toFixed(3)} ms  ${t.perSec}/s\n`);
  }
  const summary = {
    bench: "signatures",
    algorithm: "SM2_SM3",
    keys: KEYS,
    signMs: { new: meanMs(results.newSign), old: meanMs(results.oldSign) },
    verifyMs: { new: meanMs(results.newVerify), old: meanMs(results.oldVerify), newColdKey: meanMs(results.newVerifyColdKey) },
    targets: { signMs: 0.3, verifyMs: 0.6 },
    detail: results,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return Promise.resolve();
}
