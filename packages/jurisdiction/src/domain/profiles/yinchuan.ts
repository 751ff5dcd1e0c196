import type { SettingsOverride } from "../types.js";

/** Yinchuan promotion measures (in force 2017-01-12; the 2018 national rules prevail where they conflict, §9). */
export const YINCHUAN_2026_01_01: SettingsOverride = {
  // REC-02: art. 26 "各种病历的保存期不得少于30年". The text gives no start; the national count from the last
  // visit is kept, which can only lengthen the period.
  retention: { clinicalRecordYears: 30 },
  // PHA-02: art. 15 "可以聘任或者指定药品销售企业的执业药师负责处方的审核".
  reviewerAffiliations: ["in_house", "contracted", "retail_pharmacist"],
  // XC-07: art. 8 "全程视频录像，或者进行电子签名和认证，录像资料保存期至少在3个月以上".
  clinicianPractisePolicy: { kind: "video_or_signature", minVideoRetentionMonths: 3 },
  // XC-07: art. 24 "生成日安全运行报告".
  dailySecurityReport: true,
  // REP-08: art. 11 "电子处方、门诊病历、门诊日志 … 向智慧银川大数据中心进行数据传输和备份".
  bigDataExport: { kind: "smart_yinchuan", recordTypes: ["e_prescription", "outpatient_record", "outpatient_log"] },
};
