export { type MllpListener, type MllpListenerOptions, type MllpLogger, startMllpListener } from "./listener.js";
export { DEFAULT_MAX_FRAME_BYTES, frame, MllpDecoder } from "./framing.js";
