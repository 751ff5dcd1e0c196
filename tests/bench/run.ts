// npm run bench -- <name>: runs one benchmark; each prints its figures and ends with one JSON line.
import { runBusBench } from "./bus.bench.js";
import { runEventStoreBench } from "./eventstore.bench.js";
import { runFlowBench } from "./flows.bench.js";
import { runGatewayBench } from "./gateway.bench.js";
import { runGrpcCallBench } from "./grpcCall.bench.js";
import { runProjectionsBench } from "./projections.bench.js";
import { runScalingBench } from "./scaling.bench.js";
import { runSealingBench, runSealingMicroBench } from "./sealing.bench.js";
import { runSignatureBench } from "./signatures.bench.js";
import { runSoakBench } from "./soak.bench.js";

const benches: Record<string, () => Promise<void>> = {
  bus: runBusBench,
  eventstore: runEventStoreBench,
  gateway: runGatewayBench,
  "grpc-call": runGrpcCallBench,
  consult: () => runFlowBench("consult"),
  prescribing: () => runFlowBench("prescribing"),
  signatures: runSignatureBench,
  sealing: runSealingBench,
  "sealing-micro": runSealingMicroBench,
  projections: runProjectionsBench,
  scaling: runScalingBench,
  soak: runSoakBench,
};

const name = process.argv[2];
const bench = name === undefined ? undefined : benches[name];
if (bench === undefined) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join("|")}>\n`);
  process.exit(2);
}
await bench();
