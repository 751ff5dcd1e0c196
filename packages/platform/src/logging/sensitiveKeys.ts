/**
 * Keys whose values are personal, clinical or secret (ARCHITECTURE §8), matched by name so they are caught at any
 * depth. Over-masking a harmless field costs a log reader a little; under-masking leaks a patient. Keys are compared
 * lower-cased with separators removed, so patient_name, patientName and Patient-Name are one key.
 */
const EXACT = new Set([
  // names
  "name",
  "fullname",
  "realname",
  "firstname",
  "lastname",
  "middlename",
  "familyname",
  "givenname",
  "surname",
  "nickname",
  "username",
  "displayname",
  "patientname",
  "doctorname",
  "physicianname",
  "nursename",
  "pharmacistname",
  "contactname",
  "guardianname",
  "recipientname",
  "receivername",
  "consigneename",
  "姓名",
  "名字",
  // identifiers and contact details
  "idno",
  "ssn",
  "tel",
  "addr",
  "dob",
  "email",
]);

const FRAGMENTS = [
  // ID numbers (身份证号), passports, other documents
  "idcard",
  "idnumber",
  "nationalid",
  "citizenid",
  "passport",
  "身份证",
  "证件",
  // phones and addresses
  "phone",
  "mobile",
  "手机",
  "电话",
  "address",
  "地址",
  "住址",
  // date of birth
  "birth",
  "出生",
  // clinical text
  "diagnos",
  "诊断",
  "note",
  "备注",
  "complaint",
  "主诉",
  "symptom",
  "症状",
  "allerg",
  "过敏",
  "illness",
  "medicalhistory",
  "病史",
  "病历",
  // secrets
  "token",
  "authorization",
  "password",
  "passwd",
  "secret",
  "cookie",
  "apikey",
  "credential",
  "privatekey",
];

export function isSensitiveKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[\s_\-.]/g, "");
  if (EXACT.has(normalized)) return true;
  return FRAGMENTS.some((fragment) => normalized.includes(fragment));
}
