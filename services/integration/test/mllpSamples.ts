import { connect, type Socket } from "node:net";
import { frame, MllpDecoder } from "../src/adapters/mllp/index.js";

/** Sample HL7 v2.5.1 messages as a HIS/LIS/RIS of hospital "hosp-a" (sending facility HOSPA) would send them. */
const msh = (type: string, controlId: string, facility = "HOSPA", receiver = "hosp-a"): string =>
  `MSH|^~\\&|HIS|${facility}|IHP|${receiver}|20261206080000+0800||${type}|${controlId}|P|2.5.1`;

export function adtA04(controlId: string, options: { facility?: string; receiver?: string; patientId?: string } = {}): string {
  const ids = [`HIS-001^^^HOSPA^MR`, `${options.patientId ?? "pat-zhang"}^^^IHP^PI`, `110101197001011234^^^CHN^NNCHN`].join("~");
  return [
    msh("ADT^A04^ADT_A01", controlId, options.facility, options.receiver),
    `EVN|A04|20261206080000+0800`,
    `PID|1||${ids}||ZHANG^SAN||19700101|F`,
    `PV1|1|O|ENDO^^^HOSPA`,
  ].join("\r");
}

export function oruR01(controlId: string, options: { facility?: string; glucose?: string } = {}): string {
  return [
    msh("ORU^R01^ORU_R01", controlId, options.facility),
    `PID|1||HIS-001^^^HOSPA^MR||ZHANG^SAN||19700101|F`,
    `OBR|1|PL-77|LAB-77|24331-1^Lipid panel^LN|||20261121080000+0800|||||||||||||||20261121093000+0800|||F`,
    `OBX|1|NM|2345-7^Glucose [Mass/volume] in Serum or Plasma^LN||${options.glucose ?? "7.8"}|mmol/L^^UCUM|3.9-6.1|H|||F`,
    `OBX|2|NM|2093-3^Cholesterol [Mass/volume] in Serum or Plasma^LN||4.2|mmol/L|<5.2|N|||F`,
    `OBX|3|ST|HBA1C-L^HbA1c \\T\\ index^L||6.9|%|4.0-6.0|H|||F`,
  ].join("\r");
}

export function oruImaging(controlId: string): string {
  return [
    msh("ORU^R01^ORU_R01", controlId),
    `PID|1||HIS-001^^^HOSPA^MR`,
    `OBR|1|PL-5|RIS-5|71250^CT chest^C4|||20261122100000+0800|||||||||||||||20261122110000+0800||CT|F`,
    `OBX|1|HD|113014^DICOM Study^DCM||1.2.840.113619.2.55.3.604688119.969.1268071029.320||||||F`,
    `OBX|2|RP|RETRIEVE^DICOMweb retrieve URL^L||https://pacs.hosp-a.example/dicomweb/studies/1.2.840.113619.2.55.3.604688119.969.1268071029.320^URI||||||F`,
    `OBX|3|TX|GDT^Findings^L||No focal consolidation.||||||F`,
    `OBX|4|TX|121073^Impression^DCM||Normal chest CT.||||||F`,
  ].join("\r");
}

export interface Ack {
  readonly text: string;
  readonly code: string;
  readonly controlId: string;
  readonly msa3: string;
  readonly err: string | undefined;
}

export function parseAck(text: string): Ack {
  const segments = text.split("\r");
  const msa = (segments.find((s) => s.startsWith("MSA|")) ?? "").split("|");
  return { text, code: msa[1] ?? "", controlId: msa[2] ?? "", msa3: msa[3] ?? "", err: segments.find((s) => s.startsWith("ERR|")) };
}

/** A plain MLLP client over TCP: writes raw bytes, collects the framed ACKs as they come back. */
export class MllpTestClient {
  private readonly decoder = new MllpDecoder();
  private readonly acks: Ack[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const event of this.decoder.push(chunk)) if (event.kind === "frame") this.acks.push(parseAck(event.payload.toString("utf8")));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async connect(port: number): Promise<MllpTestClient> {
    const socket = connect({ port, host: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    return new MllpTestClient(socket);
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async send(message: string): Promise<Ack> {
    const before = this.acks.length;
    this.writeRaw(frame(message));
    return (await this.next(before + 1))[before]!;
  }

  /** Waits until `count` ACKs arrived in total on this connection (5 s at most). */
  async next(count: number): Promise<Ack[]> {
    const deadline = Date.now() + 5000;
    while (this.acks.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} ACKs, got ${this.acks.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return [...this.acks];
  }

  close(): void {
    this.socket.destroy();
  }
}
