/** Who acted: a person, or a service (an assistant proposing lines). RX-01 tells them apart. */
export type Actor = { readonly id: string; readonly kind: "human" | "service" };

/** A line as the prescriber enters it. Names, forms and strengths come from the catalogue. */
export type LineInput = {
  readonly drugCode: string;
  /** Optional (""): when given it must be the catalogue's approved name (RX-09). */
  readonly approvedName: string;
  /** Decimal text, e.g. "500" (the contract's line carries it so); recorded as a number once checked. */
  readonly dose: string;
  readonly doseUnit: string;
  readonly route: string;
  readonly frequency: string;
  readonly daysSupply: number;
  /** Decimal text, like the dose. */
  readonly quantity: string;
  readonly quantityUnit: string;
  /** Extra usage text, e.g. "饭后服用"; never a substitute for dose, route and frequency. */
  readonly instructions: string;
};

/** What a draft says, apart from its lines' identities. */
export type ContentInput = {
  readonly lines: LineInput[];
  readonly diagnosisCodes: string[];
  readonly emergency: boolean;
  /** RX-07: why the supply exceeds the general limit; empty otherwise. Shown on the prescription. */
  readonly extensionReason: string;
  readonly longTerm: boolean;
  /** RX-08: the physician's assessment for a long-term supply over 4 weeks. */
  readonly assessmentNote: string;
  /** RX-09: needed for weight-dosed drugs for infants; 0 when not given. */
  readonly patientWeightKg: number;
  /** RX-05 attestations by the prescribing physician. */
  readonly guardianPresent: boolean;
  readonly accompanyingPhysicianPresent: boolean;
};

/** The consult as the consult service reported it when the prescription was drafted or signed. */
export type ConsultSnapshot = {
  readonly consultId: string;
  readonly institutionId: string;
  readonly jurisdiction: string;
  readonly departmentCode: string;
  readonly patientId: string;
  readonly patientBirthDate: string;
  readonly patientSex: string;
  readonly physicianId: string;
  readonly status: string;
  readonly confirmedDiagnoses: Diagnosis[];
  readonly prescribingBlocked: boolean;
  readonly blockedReason: string;
  readonly guardianId: string;
  readonly guardianVerified: boolean;
};

export type Diagnosis = { readonly code: string; readonly name: string; readonly version: string };

/** A line as entered and checked: dose and quantity are numbers. */
export type EnteredLine = Omit<LineInput, "dose" | "quantity"> & { readonly dose: number; readonly quantity: number };

/** A line as recorded: as entered, the catalogue facts the document shows, and who proposed and confirmed it. */
export type Line = EnteredLine & {
  readonly lineId: string;
  readonly approvedName: string;
  readonly form: string;
  readonly strength: string;
  readonly proposedBy: Actor;
  /** The physician who confirmed a line proposed by a service; empty for lines the physician entered. */
  readonly confirmedBy: string;
};

/** A line as the signed document shows it (prescriptionDocument): the recorded line without who proposed and confirmed it. */
export type DocumentLine = Omit<Line, "proposedBy" | "confirmedBy">;

export type Content = Omit<ContentInput, "lines"> & {
  readonly lines: Line[];
  readonly diagnoses: Diagnosis[];
};

/** An e-signature as identity returned it (bytes in base64). */
export type SignatureRecord = {
  readonly signerId: string;
  readonly signerProfession: string;
  readonly certificateSerial: string;
  readonly algorithm: string;
  readonly valueBase64: string;
  readonly signedAt: string;
  readonly documentHashBase64: string;
};

export type ReviewOutcome = "APPROVED" | "RETURNED" | "REJECTED";
export type ReviewStatus = "NOT_SUBMITTED" | "UNDER_REVIEW" | ReviewOutcome;
