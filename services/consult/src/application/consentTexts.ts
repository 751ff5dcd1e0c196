import { createHash } from "node:crypto";
import type { ConsentText } from "../domain/consults/index.js";

/**
 * CON-06: the informed-consent text patients agree to before an online consult (rules, requirements, risks). Shipped
 * as data with the service; a new version is appended here and becomes current, and consent given to an older one
 * is refused (CONSENT_VERSION_STALE). Hashes are computed from the exact text, so the text cannot drift from them.
 */
const TEXTS: readonly { readonly version: string; readonly text: string }[] = [
  {
    version: "2026-01",
    text: [
      "互联网诊疗知情同意书（2026-01版）",
      "一、互联网诊疗仅提供部分常见病、慢性病复诊服务。首诊患者请前往实体医院就诊。",
      "二、您须提供实体医疗机构出具的、有明确诊断的病历资料，并保证所填信息真实，以本人真实身份就诊。",
      "三、医师将根据您提供的资料判断是否符合复诊条件；如病情变化、需要面诊或检查，医师将终止在线诊疗并建议您线下就医。",
      "四、急危重症、甲类传染病及按甲类管理的传染病不适用互联网诊疗，请立即拨打120或前往就近医院。",
      "五、在线诊疗受网络、设备及无法体格检查等条件限制，存在诊断不全面的风险。",
      "六、诊疗过程（文字、图片、音视频）将依法全程记录并保存，用于病历管理和监管。",
    ].join("\n"),
  },
];

export interface ConsentDocument extends ConsentText {
  readonly text: string;
}

function withHash(entry: { version: string; text: string }): ConsentDocument {
  return { ...entry, sha256: createHash("sha256").update(entry.text, "utf8").digest("hex") };
}

/** The consent text in force: the last one shipped. */
export function currentConsentText(): ConsentDocument {
  const last = TEXTS.at(-1);
  if (last === undefined) throw new Error("no consent text shipped");
  return withHash(last);
}
