import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { type DeliveryOutcome, type RegulatorAdapter, RegulatorUnreachable } from "../../application/delivery/regulatorAdapter.js";
import type { MessageType, MessageValue, RegulatorMessage } from "../../domain/delivery/regulatorMessage.js";
import { type HttpEndpoint, httpPost, statusFailure } from "./httpPost.js";

// Shaped after the message layout of DB64/T 2123—2025 (宁夏 互联网医院监管数据传输规范): an XML message with a header
// (sender, receiver, message id, send time, data class, message type) and one body element per data class (filing,
// business; evaluation and adverse events come with those categories). The standard's element names and code tables
// are not public here: the names below are this platform's and are the only place to change when they are.

export interface NingxiaParties {
  /** 发送方: the platform's code at the provincial platform. */
  readonly senderCode: string;
  /** 接收方: the provincial supervision platform's code. */
  readonly receiverCode: string;
}

/**
 * The standard's data classes: 备案数据 (filing), 业务数据 (business), 评价数据 (evaluation), 不良事件 (adverse events); and
 * the answer to a supervision finding (整改反馈, REP-05), whose element name in the standard is not public either.
 */
const DATA_CLASS: Readonly<Record<MessageType, "FilingData" | "BusinessData" | "EvaluationData" | "AdverseEventData" | "RectificationData">> = {
  INSTITUTION_LICENCE: "FilingData",
  REGULATOR_CONNECTION: "FilingData",
  STAFF_RECORD: "FilingData",
  "CONSULT.STARTED": "BusinessData",
  "CONSULT.COMPLETED": "BusinessData",
  "CONSULT.TERMINATED": "BusinessData",
  "CONSULT.REFUSED": "BusinessData",
  "PRESCRIPTION.SIGNED": "BusinessData",
  "PRESCRIPTION.VOIDED": "BusinessData",
  PRESCRIPTION_REVIEW: "BusinessData",
  DISPENSING: "BusinessData",
  "DELIVERY.DISPATCHED": "BusinessData",
  "DELIVERY.STATUS_CHANGED": "BusinessData",
  EMR: "BusinessData",
  ADVERSE_EVENT: "AdverseEventData",
  SATISFACTION: "EvaluationData",
  COMPLAINT: "EvaluationData",
  ANOMALY_RECTIFICATION: "RectificationData",
};

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@_", format: false, suppressEmptyNode: false });
const parser = new XMLParser({ parseTagValue: false, trimValues: true });

/** 北京时间 with its offset, as the provincial platforms expect. */
export function beijingTime(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

/** Lists become repeated <Item> elements; drug lines become <Item> elements with their fields. */
function xmlValue(value: MessageValue): unknown {
  if (Array.isArray(value)) return { Item: value };
  return value;
}

export function ningxiaXml(message: RegulatorMessage, parties: NingxiaParties, now: Date): string {
  const fields = Object.fromEntries(Object.entries(message.body).map(([name, value]) => [name, xmlValue(value)]));
  const document = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    Message: {
      Header: {
        SenderCode: parties.senderCode,
        ReceiverCode: parties.receiverCode,
        MessageId: message.messageId,
        BusinessId: message.businessId,
        SendTime: beijingTime(now),
        DataClass: DATA_CLASS[message.type],
        MessageType: message.type,
        InstitutionId: message.institutionId,
        OccurredAt: beijingTime(new Date(message.occurredAt)),
      },
      Body: { [DATA_CLASS[message.type]]: fields },
    },
  };
  return builder.build(document);
}

/** The platform's answer: <Response><Code>0</Code><MessageId/><Serial/></Response>; a code other than 0 is a refusal. */
export function ningxiaAnswer(messageId: string, text: string): DeliveryOutcome {
  let response: { Code?: unknown; MessageId?: unknown; Serial?: unknown } | undefined;
  try {
    response = (parser.parse(text) as { Response?: typeof response }).Response;
  } catch {
    response = undefined;
  }
  if (response === undefined) return { messageId, ok: false, reason: "REGULATOR_ANSWER_UNREADABLE" };
  if (String(response.Code) !== "0") return { messageId, ok: false, reason: "REGULATOR_REJECTED" };
  const serial = typeof response.Serial === "string" ? response.Serial : "";
  if (response.MessageId !== messageId || serial === "") return { messageId, ok: false, reason: "REGULATOR_ANSWER_UNREADABLE" };
  return { messageId, ok: true, serial };
}

/** One XML message per request, as the standard's interface takes them. */
export function ningxiaXmlAdapter(endpoint: HttpEndpoint, parties: NingxiaParties): RegulatorAdapter {
  return {
    name: "ningxia-xml",
    mode: "push",
    async deliver(messages, now) {
      const outcomes: DeliveryOutcome[] = [];
      for (const [index, message] of messages.entries()) {
        let answer;
        try {
          answer = await httpPost(endpoint, "xml", ningxiaXml(message, parties, now), "application/xml; charset=utf-8");
        } catch (error) {
          // Unreachable: this message and the ones not tried failed; the answers already received stand.
          if (!(error instanceof RegulatorUnreachable)) throw error;
          return [...outcomes, ...messages.slice(index).map((m) => ({ messageId: m.messageId, ok: false as const, reason: error.code }))];
        }
        outcomes.push(answer.status >= 200 && answer.status <= 299 ? ningxiaAnswer(message.messageId, answer.text) : { messageId: message.messageId, ok: false, reason: statusFailure(answer.status) });
      }
      return outcomes;
    },
  };
}
