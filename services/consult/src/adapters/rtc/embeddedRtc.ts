import { createHmac, randomBytes } from "node:crypto";
import type { RtcPort } from "../../application/ports.js";

/**
 * The embedded RtcPort: rooms and participant tokens only, HMAC-SHA256-signed locally (JWT-shaped, HS256) with a
 * short lifetime. It is NOT a media server: no audio or video flows through it and nothing is recorded. A
 * production adapter (a WebRTC SFU or a cloud RTC provider) creates real rooms with recording and reports the
 * stored file through StoreRecording.
 */
export function embeddedRtc(options: { secret: Buffer; clock: () => Date; tokenTtlSeconds: number; newId: () => string }): RtcPort {
  const open = new Set<string>();
  return {
    createRoom(consultId) {
      const roomId = `room-${consultId}-${options.newId().slice(-12)}`;
      open.add(roomId);
      return Promise.resolve({ roomId });
    },
    issueToken(roomId, participantId, role) {
      const now = Math.floor(options.clock().getTime() / 1000);
      const exp = now + options.tokenTtlSeconds;
      const header = Buffer.from(JSON.stringify({ alg: "HS256", typ: "JWT" })).toString("base64url");
      const body = Buffer.from(JSON.stringify({ room: roomId, sub: participantId, role, iat: now, exp, jti: randomBytes(8).toString("hex") })).toString("base64url");
      const signature = createHmac("sha256", options.secret).update(`${header}.${body}`).digest("base64url");
      return Promise.resolve({ token: `${header}.${body}.${signature}`, expiresAt: new Date(exp * 1000) });
    },
    closeRoom(roomId) {
      open.delete(roomId);
      return Promise.resolve();
    },
  };
}
