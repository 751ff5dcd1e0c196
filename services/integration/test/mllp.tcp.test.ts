import { Hl7Client } from "@medplum/hl7";
import { Hl7Message } from "@medplum/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { frame, type MllpListener, startMllpListener } from "../src/adapters/mllp/index.js";
import { adtA04, MllpTestClient, oruImaging, oruR01 } from "./mllpSamples.js";
import { ingestFixture } from "./support/ingestFixture.js";

/** Over real TCP, through the real ingest path (in-memory event store): what is stored is what the log shows. */
describe("MLLP listener over TCP through the real ingest path (XC-03)", () => {
  let f: ReturnType<typeof ingestFixture>;
  let listener: MllpListener;
  let client: MllpTestClient;
  const logged: object[] = [];
  const logger = { info: (fields: object) => logged.push(fields), warn: (fields: object) => logged.push(fields) };

  beforeEach(async () => {
    f = ingestFixture();
    logged.length = 0;
    listener = await startMllpListener({ ingest: f.ingest, host: "127.0.0.1", port: 0, institutionId: "hosp-a", systemId: "svc:his-a", sendingFacilities: ["HOSPA"], logger, maxFrameBytes: 64 * 1024 });
    client = await MllpTestClient.connect(listener.port);
  });
  afterEach(async () => {
    client.close();
    await listener.close();
  });

  const stored = async (type: string) => (await f.events()).filter((event) => event.type === type);

  it("XC-03: ADT^A04 then ORU^R01 → AA each; the same ORU again → AA DUPLICATE and still one lab result", async () => {
    expect(await client.send(adtA04("ADT-1"))).toMatchObject({ code: "AA", controlId: "ADT-1", msa3: "ACCEPTED" });
    expect(await client.send(oruR01("ORU-1"))).toMatchObject({ code: "AA", controlId: "ORU-1", msa3: "ACCEPTED" });
    expect(await client.send(oruR01("ORU-1"))).toMatchObject({ code: "AA", controlId: "ORU-1", msa3: "DUPLICATE" });
    expect(await stored("HisPatientLinked")).toHaveLength(1);
    const results = await stored("LabResultAttached");
    expect(results).toHaveLength(1);
    expect(JSON.stringify(results[0]!.data)).toContain("2345-7");
  });

  it("XC-03: an imaging ORU^R01 is stored as an imaging report", async () => {
    await client.send(adtA04("ADT-1"));
    expect((await client.send(oruImaging("RIS-1"))).code).toBe("AA");
    expect(await stored("ImagingReportAttached")).toHaveLength(1);
  });

  it("XC-03: the same control id with other content → AE MESSAGE_ID_CONFLICT, the first result stays the only one", async () => {
    await client.send(adtA04("ADT-1"));
    await client.send(oruR01("ORU-1"));
    const ack = await client.send(oruR01("ORU-1", { glucose: "9.9" }));
    expect([ack.code, ack.msa3.split(":")[0]]).toEqual(["AE", "MESSAGE_ID_CONFLICT"]);
    expect(await stored("LabResultAttached")).toHaveLength(1);
  });

  it("XC-03: malformed, wrong sending facility, unlinked patient → AR/AE and nothing stored but audit records", async () => {
    const clinical = async () => (await f.events()).filter((e) => e.type !== "AccessRefused").length;
    const before = await clinical();
    expect((await client.send("this is not HL7")).code).toBe("AR");
    expect((await client.send(oruR01("ORU-B", { facility: "HOSPB" }))).code).toBe("AR");
    const unlinked = await client.send(oruR01("ORU-2"));
    expect([unlinked.code, unlinked.msa3.split(":")[0]]).toEqual(["AE", "HIS_PATIENT_NOT_LINKED"]);
    expect(await clinical()).toBe(before);
    expect(await stored("AccessRefused")).toHaveLength(1); // the ingest path's refusal is audited
    expect(await stored("LabResultAttached")).toHaveLength(0);
  });

  it("answers frames split byte by byte and several frames in one write, in order, and an oversized frame with AR", async () => {
    const bytes = frame(adtA04("ADT-1"));
    for (let i = 0; i < bytes.length; i += 7) client.writeRaw(bytes.subarray(i, i + 7));
    expect((await client.next(1))[0]).toMatchObject({ code: "AA", controlId: "ADT-1" });
    client.writeRaw(Buffer.concat([frame(oruR01("ORU-1")), frame(oruImaging("RIS-1")), frame("MSH|" + "x".repeat(70 * 1024)), frame(oruR01("ORU-1"))]));
    const acks = (await client.next(5)).slice(1);
    expect(acks.map((a) => [a.code, a.controlId, a.msa3.split(":")[0]])).toEqual([
      ["AA", "ORU-1", "ACCEPTED"],
      ["AA", "RIS-1", "ACCEPTED"],
      ["AR", "", "HL7_FRAME_TOO_LARGE"],
      ["AA", "ORU-1", "DUPLICATE"],
    ]);
  });

  it("logs control ids and codes only: no name, MRN, ID number or result value reaches the log", async () => {
    await client.send(adtA04("ADT-1"));
    await client.send(oruR01("ORU-1"));
    await client.send(oruR01("ORU-X", { facility: "HOSPB" }));
    const text = JSON.stringify(logged);
    expect(text).toContain("ORU-1");
    for (const secret of ["ZHANG", "HIS-001", "110101197001011234", "pat-zhang", "7.8", "Glucose"]) expect(text).not.toContain(secret);
  });

  it("XC-03: a maintained MLLP client (@medplum/hl7 Hl7Client) gets the ACK for its message", async () => {
    const hl7 = new Hl7Client({ host: "127.0.0.1", port: listener.port });
    try {
      const ack = await hl7.sendAndWait(Hl7Message.parse(adtA04("ADT-7")));
      expect(ack.getSegment("MSA")?.getComponent(1, 1)).toBe("AA");
      expect(ack.getSegment("MSA")?.getComponent(2, 1)).toBe("ADT-7");
    } finally {
      await hl7.close();
    }
  });
});
