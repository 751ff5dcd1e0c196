import { z } from "zod";

const nonBlank = z.string().trim().min(1);
const positive = z.number().finite().positive();

export const doseRangeSchema = z
  .object({
    unit: nonBlank,
    minPerDose: positive,
    maxPerDose: positive,
    maxPerDay: positive,
    minAgeYears: z.number().finite().nonnegative().optional(),
    weightBased: z.boolean().optional(),
  })
  .strict()
  .refine((d) => d.minPerDose <= d.maxPerDose, { message: "minPerDose is above maxPerDose", path: ["minPerDose"] })
  .refine((d) => d.maxPerDose <= d.maxPerDay, { message: "maxPerDose is above maxPerDay", path: ["maxPerDose"] });

export const drugSchema = z
  .object({
    code: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,79}$/, "code must be 2–80 lower-case letters, digits, '.' or '-'"),
    nhsaCode: nonBlank,
    ypid: nonBlank,
    standardCode: z.string().regex(/^\d{14}$/, "standardCode (本位码) must be 14 digits"),
    approvedName: nonBlank,
    form: nonBlank,
    strength: nonBlank,
    category: z.enum(["WESTERN", "CHINESE_PATENT", "TCM_DECOCTION_PIECE"]),
    prescriptionOnly: z.boolean(),
    specialClasses: z.array(
      z.enum(["NARCOTIC", "PSYCHOTROPIC_I", "PSYCHOTROPIC_II", "MEDICAL_TOXIC", "RADIOACTIVE", "PRECURSOR"]),
    ),
    antimicrobial: z.boolean(),
    specialStorage: z.boolean(),
    highRisk: z.boolean(),
    routes: z.array(z.string().regex(/^[A-Z]{2,8}$/, "route codes are 2–8 capital letters")).min(1),
    dose: doseRangeSchema,
    therapeuticClass: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "therapeuticClass must be snake_case"),
    longTermAllowed: z.boolean(),
  })
  .strict();

export const interactionSchema = z
  .object({
    a: nonBlank,
    b: nonBlank,
    severity: z.enum(["MINOR", "MODERATE", "MAJOR", "CONTRAINDICATED"]),
    note: nonBlank,
  })
  .strict();

export const CATALOGUE_FORMAT = "ihp-drug-catalogue";
export const CATALOGUE_FORMAT_VERSION = 1;

export const catalogueFileSchema = z
  .object({
    format: z.literal(CATALOGUE_FORMAT),
    formatVersion: z.literal(CATALOGUE_FORMAT_VERSION),
    version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$/, "version must be 1–64 letters, digits or . _ + -"),
    publishedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "publishedOn must be YYYY-MM-DD"),
    source: nonBlank,
    drugs: z.array(z.unknown()).min(1),
    interactions: z.array(z.unknown()),
  })
  .strict();

export type CatalogueFile = z.infer<typeof catalogueFileSchema>;
