import type { IdDocumentType } from "./types.js";

// Shapes of the accepted identity documents. Only the resident ID (GB 11643-1999) and the 2023 permanent-residence
// card (18 characters, same scheme) carry a check character; the others are checked for shape only.

const RESIDENT_ID = /^[1-9]\d{5}(\d{8})\d{3}[\dX]$/;
const FOREIGNER_2023 = /^9\d{5}(\d{8})\d{3}[\dX]$/;
const FOREIGNER_2004 = /^[A-Z]{3}\d{12}$/;
const PASSPORT = /^[A-Z0-9]{5,17}$/;
const HK_MACAO = /^[HM]\d{8}(\d{2})?$/;
const TAIWAN = /^\d{8}(\d{2})?$/;

// GB 11643-1999: weights 2^(17-i) mod 11, check character from (sum mod 11) — ISO 7064 MOD 11-2.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = "10X98765432";

export type IdNumberProblem = "MALFORMED" | "CHECK_DIGIT" | "BIRTH_DATE";

/** Upper case, without the spaces people type between groups. */
export function normalizeIdNumber(raw: string): string {
  return raw.replace(/[\s-]/g, "").toUpperCase();
}

/** The ISO 7064 MOD 11-2 check character of the first 17 digits. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS[sum % 11] ?? "";
}

/** What is wrong with a normalized number for its document type, undefined when nothing is. */
export function idNumberProblem(type: IdDocumentType, number: string, birthDate: string): IdNumberProblem | undefined {
  switch (type) {
    case "RESIDENT_ID_CARD":
      return checkedNumberProblem(RESIDENT_ID.exec(number), number, birthDate);
    case "FOREIGNER_PERMANENT_RESIDENCE": {
      if (FOREIGNER_2004.test(number)) return undefined;
      return checkedNumberProblem(FOREIGNER_2023.exec(number), number, birthDate);
    }
    case "PASSPORT":
      return PASSPORT.test(number) ? undefined : "MALFORMED";
    case "HK_MACAO_PERMIT":
      return HK_MACAO.test(number) ? undefined : "MALFORMED";
    case "TAIWAN_PERMIT":
      return TAIWAN.test(number) ? undefined : "MALFORMED";
  }
}

function checkedNumberProblem(match: RegExpExecArray | null, number: string, birthDate: string): IdNumberProblem | undefined {
  if (match === null) return "MALFORMED";
  if (checkCharacter(number.slice(0, 17)) !== number[17]) return "CHECK_DIGIT";
  const embedded = match[1] ?? "";
  const stated = `${embedded.slice(0, 4)}-${embedded.slice(4, 6)}-${embedded.slice(6, 8)}`;
  return stated === birthDate ? undefined : "BIRTH_DATE";
}
