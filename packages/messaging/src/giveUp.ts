import type { DeliveredMessage } from "./bus.js";

/** A consumer stopped redelivering a message: its handler failed maxDeliver times. Someone must look at it. */
export interface GiveUp {
  readonly durable: string;
  readonly message: DeliveredMessage;
  readonly error: unknown;
}

export type GiveUpListener = (giveUp: GiveUp) => void;

/** Default listener: a process warning, so the give-up reaches the logs even when nobody wired an alert. */
export const warnOnGiveUp: GiveUpListener = ({ durable, message, error }) => {
  const reason = error instanceof Error ? error.message : String(error);
  process.emitWarning(
    `consumer ${durable} gave up on message ${message.id} (${message.subject}) after ${message.deliveryCount} deliveries: ${reason}`,
    { code: "IHP_BUS_GIVE_UP" },
  );
};
