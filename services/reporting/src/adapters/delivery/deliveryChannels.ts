import { createHash, timingSafeEqual } from "node:crypto";
import type { EventStore } from "@ihp/eventsourcing";
import { JurisdictionError } from "@ihp/jurisdiction";
import { type Logger, type MetricsRegistry, scrapeGauge } from "@ihp/platform";
import { DeliveryLedger, type DeliveryStatus } from "../../application/delivery/deliveryLedger.js";
import { type DeliveryRound, deliveryWorker } from "../../application/delivery/deliveryWorker.js";
import { pullDelivery, replayDeadLetters } from "../../application/delivery/pullDelivery.js";
import type { RegulatorAdapter } from "../../application/delivery/regulatorAdapter.js";
import type { DeliveryScope, ScopeStatus } from "../../application/delivery/deliveryAccess.js";
import { summarizeDelivery, type UploadDueOn } from "../../domain/delivery/deliverySummary.js";
import type { RegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { batchFileAdapter } from "./batchFileAdapter.js";
import type { DeliveryChannel, DeliverySettings } from "./deliveryConfigFile.js";
import { jsonPushAdapter } from "./jsonPushAdapter.js";
import { ningxiaXmlAdapter } from "./ningxiaXmlAdapter.js";

export interface RegulatorDeliveryDeps {
  readonly store: EventStore;
  readonly settings: DeliverySettings;
  readonly clock: () => Date;
  readonly logger: Logger;
  readonly registry?: MetricsRegistry | undefined;
  /** Where batch files and their manifests are kept (DATA_DIR/regulator-batches). */
  readonly outboxDir: string;
}

export type PullChannel = ReturnType<typeof pullDelivery> & { readonly jurisdiction: string };

function adapterFor(channel: Exclude<DeliveryChannel, { adapter: "pull" }>, outboxDir: string): RegulatorAdapter {
  const endpoint = { url: channel.endpoint, credential: channel.credential, timeoutMs: channel.timeoutMs };
  switch (channel.adapter) {
    case "json-push":
      return jsonPushAdapter(endpoint);
    case "ningxia-xml":
      return ningxiaXmlAdapter(endpoint, { senderCode: channel.senderCode, receiverCode: channel.receiverCode });
    case "batch-file":
      return batchFileAdapter(channel.jurisdiction, endpoint, outboxDir);
  }
}

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

/** The configured channels (REP-04): a worker per push or batch channel, a pull handle per pull channel. */
export function regulatorDelivery(deps: RegulatorDeliveryDeps) {
  const { store, settings, clock, logger } = deps;
  const ledgers = new Map(settings.channels.map((channel) => [channel.jurisdiction as string, new DeliveryLedger(store, channel.jurisdiction, settings.testAccounts, clock)]));
  const ledgerOf = (jurisdiction: string): DeliveryLedger => {
    const ledger = ledgers.get(jurisdiction);
    if (ledger === undefined) throw new Error(`no delivery channel for ${jurisdiction}`);
    return ledger;
  };
  const adapterOf = (jurisdiction: string): string => settings.channels.find((channel) => channel.jurisdiction === jurisdiction)?.adapter ?? "";
  /**
   * The dashboard's view (REP-04 / REP-02) reads the channel of the jurisdiction, else the national channel (which
   * takes every entry), else a ledger of a channel that does not exist: nothing is delivered, so everything counts as
   * unacknowledged. An institution scope keeps that institution's messages.
   */
  const channelFor = (jurisdiction: string): string | undefined => (ledgers.has(jurisdiction) ? jurisdiction : ledgers.has("national") ? "national" : undefined);
  const inScope = (scope: DeliveryScope) => (message: RegulatorMessage): boolean =>
    scope.institutionId !== undefined ? message.institutionId === scope.institutionId : scope.jurisdiction === "national" || message.jurisdiction === scope.jurisdiction;
  const undelivered = new Map<string, DeliveryLedger>();
  const undeliveredLedger = (jurisdiction: string): DeliveryLedger => {
    let ledger = undelivered.get(jurisdiction);
    if (ledger === undefined) {
      ledger = new DeliveryLedger(store, jurisdiction, settings.testAccounts, clock);
      undelivered.set(jurisdiction, ledger);
    }
    return ledger;
  };
  const workers = settings.channels.flatMap((channel) =>
    channel.adapter === "pull"
      ? []
      : [{ jurisdiction: channel.jurisdiction, worker: deliveryWorker({ ledger: ledgerOf(channel.jurisdiction), adapter: adapterFor(channel, deps.outboxDir), policy: channel.retry, clock, logger, batchSize: channel.batchSize, registry: deps.registry }) }],
  );
  const pulls = settings.channels.flatMap((channel) =>
    channel.adapter === "pull"
      ? [{ secret: digest(channel.credential), channel: { jurisdiction: channel.jurisdiction, ...pullDelivery({ ledger: ledgerOf(channel.jurisdiction), policy: channel.retry, clock, ackWaitMs: channel.ackWaitMs }) } }]
      : [],
  );
  return {
    jurisdictions: (): readonly string[] => [...ledgers.keys()],
    hasPullChannels: pulls.length > 0,
    /** One round for every push and batch channel; a channel that fails is logged and the others go on. */
    async runOnce(): Promise<Readonly<Record<string, DeliveryRound>>> {
      const rounds: Record<string, DeliveryRound> = {};
      for (const { jurisdiction, worker } of workers) {
        try {
          rounds[jurisdiction] = await worker.runOnce();
        } catch (error) {
          logger.error({ err: error, code: "REGULATOR_DELIVERY_ROUND_FAILED", jurisdiction }, "regulator delivery round failed");
        }
      }
      return rounds;
    },
    /** The pull channel whose regulator presents this credential (compared in constant time). */
    pullFor(credential: string): PullChannel | undefined {
      const presented = digest(credential);
      return pulls.find((pull) => timingSafeEqual(pull.secret, presented))?.channel;
    },
    hasChannel: (jurisdiction: string): boolean => ledgers.has(jurisdiction),
    adapterOf,
    async status(jurisdiction: string): Promise<DeliveryStatus> {
      const ledger = ledgerOf(jurisdiction);
      await ledger.catchUp();
      return ledger.status();
    },
    /**
     * Where one scope's deliveries stand (the dashboard's view, REP-04 / REP-02): the channel of the jurisdiction, else
     * the national channel (which takes every entry), else a ledger of a channel that does not exist — nothing is
     * delivered, so everything counts as unacknowledged. An institution scope keeps that institution's messages.
     */
    async scopeStatus(scope: DeliveryScope, dueOn: UploadDueOn): Promise<ScopeStatus> {
      const channel = channelFor(scope.jurisdiction);
      const ledger = channel === undefined ? undeliveredLedger(scope.jurisdiction) : ledgerOf(channel);
      await ledger.catchUp();
      const include = inScope(scope);
      const tracked = ledger.all().filter((candidate) => include(candidate.message));
      return { ...ledger.status(include), adapter: channel === undefined ? "" : adapterOf(channel), summary: summarizeDelivery(tracked, clock(), dueOn) };
    },
    channelFor,
    /** Replays the scope's dead letters in the channel that carries them. */
    replayScope: (scope: DeliveryScope, requestedBy: string): Promise<number> => {
      const channel = channelFor(scope.jurisdiction);
      if (channel === undefined) throw new Error(`no delivery channel for ${scope.jurisdiction}`);
      return replayDeadLetters(ledgerOf(channel), requestedBy, clock, inScope(scope));
    },
    replay: (jurisdiction: string, requestedBy: string): Promise<number> => replayDeadLetters(ledgerOf(jurisdiction), requestedBy, clock),
    /**
     * Scrape-time gauges per jurisdiction: ihp_regulator_unacknowledged_messages (not yet acknowledged, dead letter
     * included), ihp_regulator_delivery_lag_seconds (age of the oldest unacknowledged fact; 0 when none) and
     * ihp_regulator_uploads_overdue (REP-02: licence and staff uploads past their 7th working day unacknowledged).
     * Returns the function that takes the series away.
     */
    watchMetrics(registry: MetricsRegistry, dueOn: UploadDueOn): () => void {
      const read = async (value: (status: DeliveryStatus) => number) =>
        Promise.all(
          [...ledgers.values()].map(async (ledger) => {
            await ledger.catchUp();
            return { labels: { jurisdiction: ledger.jurisdiction }, value: value(ledger.status()) };
          }),
        );
      const unacknowledged = scrapeGauge(registry, { name: "ihp_regulator_unacknowledged_messages", help: "Regulator messages not acknowledged yet (REP-04)", labelNames: ["jurisdiction"] });
      const lag = scrapeGauge(registry, { name: "ihp_regulator_delivery_lag_seconds", help: "Age of the oldest fact not acknowledged by its regulator (REP-04)", labelNames: ["jurisdiction"] });
      // REP-02: an upload whose due day cannot be counted (its year's calendar is not loaded) counts as overdue: the
      // status query refuses it too (WORKING_DAY_CALENDAR_NOT_LOADED), and a deadline is never guessed.
      const countable: UploadDueOn = (changedAt, jurisdiction) => {
        try {
          return dueOn(changedAt, jurisdiction);
        } catch (error) {
          if (error instanceof JurisdictionError && error.code === "CALENDAR_NOT_COVERED") return "";
          throw error;
        }
      };
      const overdue = scrapeGauge(registry, { name: "ihp_regulator_uploads_overdue", help: "Licence and staff uploads not acknowledged within 7 working days (REP-02)", labelNames: ["jurisdiction"] });
      const overdueUploads = () =>
        Promise.all(
          [...ledgers.values()].map(async (ledger) => {
            await ledger.catchUp();
            const { pendingUploads } = summarizeDelivery(ledger.all(), clock(), countable);
            return { labels: { jurisdiction: ledger.jurisdiction }, value: pendingUploads.filter((upload) => upload.overdue).length };
          }),
        );
      const unwatch = [
        overdue.watch(overdueUploads),
        unacknowledged.watch(() => read((status) => status.pending + status.awaitingAck + status.failed + status.deadLettered)),
        lag.watch(() => read((status) => (status.oldestUnacknowledgedAt === undefined ? 0 : Math.max(0, (clock().getTime() - Date.parse(status.oldestUnacknowledgedAt)) / 1_000)))),
      ];
      return () => {
        for (const stop of unwatch) stop();
      };
    },
  };
}

export type RegulatorDelivery = ReturnType<typeof regulatorDelivery>;
