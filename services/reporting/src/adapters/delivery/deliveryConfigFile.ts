import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { JURISDICTIONS } from "@ihp/jurisdiction";
import { z } from "zod";
import { DEFAULT_RETRY_POLICY } from "../../domain/delivery/schedule.js";

// REGULATOR_DELIVERY_FILE: which regulator gets the feed how (REP-04), one channel per jurisdiction, and the test
// and demo accounts never sent. Credentials live in their own files (mode 0600, outside DATA_DIR), named here.

const retrySchema = z.strictObject({
  initialMs: z.number().int().min(100).max(3_600_000).default(DEFAULT_RETRY_POLICY.initialMs),
  maxMs: z.number().int().min(100).max(86_400_000).default(DEFAULT_RETRY_POLICY.maxMs),
  maxAttempts: z.number().int().min(1).max(1_000).default(DEFAULT_RETRY_POLICY.maxAttempts),
});

const common = {
  jurisdiction: z.enum(JURISDICTIONS),
  /** The credential: for push and batch the one the regulator issued to us; for pull the one it must present. */
  credentialsFile: z.string().min(1),
  retry: retrySchema.prefault({}),
};
const outgoing = {
  ...common,
  endpoint: z.url({ protocol: /^https?$/ }),
  timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
  batchSize: z.number().int().min(1).max(10_000).default(100),
};

const channelSchema = z.discriminatedUnion("adapter", [
  z.strictObject({ adapter: z.literal("json-push"), ...outgoing }),
  z.strictObject({ adapter: z.literal("ningxia-xml"), ...outgoing, senderCode: z.string().min(1), receiverCode: z.string().min(1) }),
  z.strictObject({ adapter: z.literal("batch-file"), ...outgoing }),
  z.strictObject({ adapter: z.literal("pull"), ...common, ackWaitMs: z.number().int().min(1_000).max(86_400_000).default(600_000) }),
]);

export const deliveryFileSchema = z.strictObject({
  channels: z.array(channelSchema).refine((channels) => new Set(channels.map((c) => c.jurisdiction)).size === channels.length, "one channel per jurisdiction"),
  /** Institution, practitioner, pharmacy and patient ids of test and demo accounts: never sent to a regulator. */
  testAccounts: z.array(z.string().min(1)).default([]),
});

export type ChannelSettings = z.output<typeof channelSchema>;

/** A channel with its credential read. */
export type DeliveryChannel = ChannelSettings & { readonly credential: string };

export interface DeliverySettings {
  readonly channels: readonly DeliveryChannel[];
  readonly testAccounts: ReadonlySet<string>;
}

/** Reads and checks the file (a bad one stops the start, naming the fault); credential paths are relative to it. */
export async function loadDeliverySettings(file: string | undefined): Promise<DeliverySettings> {
  if (file === undefined) return { channels: [], testAccounts: new Set() };
  const parsed = deliveryFileSchema.parse(JSON.parse(await readFile(file, "utf8")) as unknown);
  const channels = await Promise.all(
    parsed.channels.map(async (channel) => {
      const credential = (await readFile(resolve(dirname(file), channel.credentialsFile), "utf8")).trim();
      if (credential === "") throw new Error(`the credentials file of the ${channel.jurisdiction} channel is empty`);
      return { ...channel, credential };
    }),
  );
  return { channels, testAccounts: new Set(parsed.testAccounts) };
}
