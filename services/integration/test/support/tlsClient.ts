import { readFileSync } from "node:fs";
import { join } from "node:path";
import { connect, type TLSSocket } from "node:tls";
import { frame, MllpDecoder } from "../../src/adapters/mllp/index.js";

// The platform's throw-away test TLS material (packages/platform/test/fixtures/tls/README.md).
export const TLS = join(import.meta.dirname, "..", "..", "..", "..", "packages", "platform", "test", "fixtures", "tls");
export const read = (name: string) => readFileSync(join(TLS, name));

/** Sends one framed message over TLS and resolves with the ACK text, or rejects when the connection fails or closes. */
export function sendOverTls(port: number, withClientCertificate: boolean, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({
      host: "127.0.0.1",
      port,
      servername: "localhost",
      ca: read("ca.crt"),
      ...(withClientCertificate ? { cert: read("client.crt"), key: read("client.key") } : {}),
    });
    const decoder = new MllpDecoder();
    socket.on("secureConnect", () => socket.write(frame(message)));
    socket.on("data", (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) if (event.kind === "frame") resolve(event.payload.toString("utf8"));
      socket.destroy();
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error("connection closed without an ACK")));
  });
}

