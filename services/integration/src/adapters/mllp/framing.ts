/** MLLP (HL7 v2 Minimal Lower Layer Protocol): <VT> message <FS><CR>. */
export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;
const END = Buffer.from([FS, CR]);

/** The largest frame the listener accepts (1 MiB): a lab report with hundreds of OBX is far below it. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

export type FrameEvent = { readonly kind: "frame"; readonly payload: Buffer } | { readonly kind: "oversize" } | { readonly kind: "garbage" };

/**
 * Reassembles MLLP frames from a TCP byte stream: a frame split over several chunks (even between <FS> and <CR>),
 * several frames in one chunk. Bytes outside a frame are dropped ("garbage" when they are not whitespace); a frame
 * growing beyond maxBytes is reported once as "oversize", its bytes are dropped up to its <FS><CR>, and nothing of it
 * is kept in memory.
 */
export class MllpDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private inFrame = false;
  private skipping = false;
  private scanFrom = 0;

  constructor(private readonly maxBytes: number = DEFAULT_MAX_FRAME_BYTES) {}

  push(chunk: Buffer): FrameEvent[] {
    const events: FrameEvent[] = [];
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (!this.inFrame) {
        const start = this.pending.indexOf(VT);
        const outside = start === -1 ? this.pending : this.pending.subarray(0, start);
        if (!isWhitespace(outside)) events.push({ kind: "garbage" });
        if (start === -1) {
          this.pending = Buffer.alloc(0);
          return events;
        }
        this.pending = this.pending.subarray(start + 1);
        this.inFrame = true;
        this.scanFrom = 0;
      }
      const end = this.pending.indexOf(END, this.scanFrom);
      if (end === -1) {
        if (this.pending.length > this.maxBytes) {
          if (!this.skipping) events.push({ kind: "oversize" });
          this.skipping = true;
          this.pending = this.pending.subarray(this.pending.length - 1); // may be the <FS> of the end marker
        }
        this.scanFrom = Math.max(0, this.pending.length - 1);
        return events;
      }
      if (!this.skipping) events.push(end > this.maxBytes ? { kind: "oversize" } : { kind: "frame", payload: Buffer.from(this.pending.subarray(0, end)) });
      this.pending = this.pending.subarray(end + END.length);
      this.inFrame = false;
      this.skipping = false;
    }
  }
}

function isWhitespace(bytes: Buffer): boolean {
  return bytes.every((byte) => byte === 0x20 || byte === 0x0a || byte === CR || byte === 0x09);
}

export function frame(message: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(message, "utf8"), END]);
}
