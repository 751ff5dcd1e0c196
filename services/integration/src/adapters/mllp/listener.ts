import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { isDomainError } from "@ihp/eventsourcing";
import { Hl7Message } from "@medplum/core";
import type { Ingest, IngestOutcome, IngestSender } from "../../application/ingest.js";
import { type AckContent, ackFor, bareAck, HL7_ERROR } from "./ack.js";
import { DEFAULT_MAX_FRAME_BYTES, frame, MllpDecoder } from "./framing.js";
import { type Envelope, envelopeOf, Hl7Refusal, type IngestStep, linkSteps, resultSteps } from "./hl7.js";

/** The few logger methods the listener uses (pino's Logger fits). Only codes and control ids are logged. */
export interface MllpLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface MllpListenerOptions {
  readonly ingest: Ingest;
  readonly host: string;
  readonly port: number;
  /** The one institution whose systems this listener serves; MSH-6 must name it. */
  readonly institutionId: string;
  /** The system the messages are recorded as sent by (the audit trail's actor). */
  readonly systemId: string;
  /** MSH-4 values accepted; an empty list accepts none. */
  readonly sendingFacilities: readonly string[];
  readonly logger: MllpLogger;
  readonly maxFrameBytes?: number;
  /** When given, the listener speaks MLLP over TLS and requires a client certificate signed by `ca`. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer; readonly ca: string | Buffer };
}

export interface MllpListener {
  readonly port: number;
  close(): Promise<void>;
}

function runStep(ingest: Ingest, sender: IngestSender, step: IngestStep): Promise<IngestOutcome> {
  switch (step.kind) {
    case "LINK":
      return ingest.linkPatient(sender, step.input);
    case "LAB_RESULT":
      return ingest.attachLabResult(sender, step.input);
    case "IMAGING_REPORT":
      return ingest.attachImagingReport(sender, step.input);
  }
}

const HANDLERS: Record<string, (message: Hl7Message, controlId: string) => IngestStep[]> = {
  "ADT^A04": linkSteps,
  "ADT^A08": linkSteps,
  "ORU^R01": resultSteps,
};

function refused(ack: "AE" | "AR", code: string, reason: string, hl7Code: string): AckContent {
  return { code: ack, text: `${code}: ${reason}`, error: { hl7Code, code, reason } };
}

/** Checks the envelope; throws Hl7Refusal (AR) when the message is not for this listener to process. */
function admit(envelope: Envelope, message: Hl7Message, options: MllpListenerOptions): void {
  const msh = message.header;
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(envelope.controlId)) throw new Hl7Refusal("AR", "HL7_CONTROL_ID_INVALID", "MSH-10 (message control id) is missing or not valid");
  if (!options.sendingFacilities.includes(envelope.sendingFacility)) throw new Hl7Refusal("AR", "HL7_UNKNOWN_SENDING_FACILITY", "MSH-4 is not a sending facility of this institution");
  if (envelope.receivingFacility !== options.institutionId) throw new Hl7Refusal("AR", "HL7_WRONG_RECEIVING_FACILITY", "MSH-6 does not name the institution this listener serves");
  if (msh.getComponent(11, 1) !== "P") throw new Hl7Refusal("AR", "HL7_UNSUPPORTED_PROCESSING_ID", "MSH-11 must be P (production)");
  if (!msh.getComponent(12, 1).startsWith("2.")) throw new Hl7Refusal("AR", "HL7_UNSUPPORTED_VERSION", "MSH-12 must be an HL7 v2 version");
  if (HANDLERS[envelope.messageType] === undefined) throw new Hl7Refusal("AR", "HL7_UNSUPPORTED_MESSAGE_TYPE", "only ADT^A04, ADT^A08 and ORU^R01 are accepted");
}

const REFUSAL_HL7_CODES: Record<string, string> = {
  HL7_CONTROL_ID_INVALID: HL7_ERROR.REQUIRED_FIELD_MISSING,
  HL7_UNKNOWN_SENDING_FACILITY: HL7_ERROR.APPLICATION_ERROR,
  HL7_WRONG_RECEIVING_FACILITY: HL7_ERROR.APPLICATION_ERROR,
  HL7_UNSUPPORTED_PROCESSING_ID: HL7_ERROR.UNSUPPORTED_PROCESSING_ID,
  HL7_UNSUPPORTED_VERSION: HL7_ERROR.UNSUPPORTED_VERSION,
  HL7_UNSUPPORTED_MESSAGE_TYPE: HL7_ERROR.UNSUPPORTED_MESSAGE_TYPE,
  HL7_INVALID_FIELD: HL7_ERROR.DATA_TYPE_ERROR,
};

/** Handles one HL7 message text: parse, admit, map, ingest step by step; returns the ACK text and what to log. */
export async function handleMessage(text: string, options: MllpListenerOptions, now: Date): Promise<{ ack: string; log: object }> {
  let message: Hl7Message;
  let envelope: Envelope;
  try {
    message = Hl7Message.parse(text.replace(/^[\r\n]+|[\r\n]+$/g, ""));
    envelope = envelopeOf(message);
  } catch {
    const content = refused("AR", "HL7_MALFORMED", "the frame is not an HL7 v2 message (it must start with MSH)", HL7_ERROR.APPLICATION_ERROR);
    return { ack: bareAck(options.institutionId, content, now), log: { ack: "AR", code: "HL7_MALFORMED" } };
  }
  const log = { controlId: envelope.controlId.slice(0, 128).replace(/[^A-Za-z0-9._:-]/g, "?"), messageType: envelope.messageType.slice(0, 16) };
  const sender: IngestSender = { institutionId: options.institutionId, systemId: options.systemId };
  try {
    admit(envelope, message, options);
    const steps = HANDLERS[envelope.messageType]!(message, envelope.controlId);
    const outcomes: IngestOutcome[] = [];
    for (const step of steps) outcomes.push(await runStep(options.ingest, sender, step));
    const status = outcomes.every((o) => o.status === "DUPLICATE") ? "DUPLICATE" : "ACCEPTED";
    return { ack: ackFor(message, { code: "AA", text: status }), log: { ...log, ack: "AA", status } };
  } catch (error) {
    const content = contentOf(error);
    return { ack: ackFor(message, content), log: { ...log, ack: content.code, code: content.error?.code } };
  }
}

function contentOf(error: unknown): AckContent {
  if (error instanceof Hl7Refusal) return refused(error.ack, error.code, error.message, REFUSAL_HL7_CODES[error.code] ?? HL7_ERROR.REQUIRED_FIELD_MISSING);
  if (isDomainError(error)) {
    const unauthorised = error.kind === "PERMISSION_DENIED";
    const hl7Code = error.kind === "NOT_FOUND" ? HL7_ERROR.UNKNOWN_KEY : HL7_ERROR.APPLICATION_ERROR;
    return refused(unauthorised ? "AR" : "AE", error.code, error.message, hl7Code);
  }
  return refused("AE", "HL7_PROCESSING_FAILED", "the message could not be processed now; send it again later", HL7_ERROR.APPLICATION_ERROR);
}

function serve(socket: Socket, options: MllpListenerOptions): void {
  const decoder = new MllpDecoder(options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES);
  let queue = Promise.resolve();
  const reply = (work: () => Promise<string>): void => {
    queue = queue.then(async () => {
      const ack = await work();
      if (!socket.destroyed) socket.write(frame(ack));
    });
  };
  socket.on("data", (chunk: Buffer) => {
    for (const event of decoder.push(chunk)) {
      if (event.kind === "frame") {
        reply(async () => {
          const { ack, log } = await handleMessage(event.payload.toString("utf8"), options, new Date());
          options.logger.info(log, "mllp message");
          return ack;
        });
      } else if (event.kind === "oversize") {
        options.logger.warn({ code: "HL7_FRAME_TOO_LARGE" }, "mllp frame over the size limit dropped");
        const content = refused("AR", "HL7_FRAME_TOO_LARGE", "the frame is larger than the listener accepts", HL7_ERROR.APPLICATION_ERROR);
        reply(() => Promise.resolve(bareAck(options.institutionId, content, new Date())));
      } else {
        options.logger.warn({ code: "MLLP_BYTES_OUTSIDE_FRAME" }, "mllp bytes outside a frame dropped");
      }
    }
  });
  socket.on("error", (error: NodeJS.ErrnoException) => options.logger.warn({ code: error.code ?? "SOCKET_ERROR" }, "mllp connection error"));
  socket.setTimeout(10 * 60_000, () => socket.end());
}

/**
 * Starts the HL7 v2 MLLP bridge of one institution (XC-03): every message goes through the same ingest path as gRPC,
 * as the configured institution's system, and is answered with an ACK. See README.md in this folder.
 */
export async function startMllpListener(options: MllpListenerOptions): Promise<MllpListener> {
  const sockets = new Set<Socket>();
  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serve(socket, options);
  };
  const server: Server =
    options.tls === undefined
      ? createServer(onConnection)
      : createTlsServer({ ...options.tls, requestCert: true, rejectUnauthorized: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
