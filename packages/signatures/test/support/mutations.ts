/** Copies of the bytes with bit `bit` of byte `index` flipped. */
export function flipBit(bytes: Uint8Array, index: number, bit = 0): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[index] = (copy[index] ?? 0) ^ (1 << bit);
  return copy;
}

/** For every byte, one copy with its lowest bit flipped and one with its highest bit flipped. */
export function someBitFlips(bytes: Uint8Array): Uint8Array[] {
  const flips: Uint8Array[] = [];
  for (let index = 0; index < bytes.length; index++) {
    flips.push(flipBit(bytes, index, 0), flipBit(bytes, index, 7));
  }
  return flips;
}

export const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
export const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, "hex"));
