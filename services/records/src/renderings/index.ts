export { renderCda, versionedId } from "./cda.js";
export { ATTACHMENT_SHA256_EXTENSION, deterministicUuid, renderFhirBundle, type FhirBundle, type FhirResource } from "./fhir.js";
export { WST500, sectionViews, type RenderingContext, type SectionView } from "./codes.js";
export { escapeAttribute, escapeText } from "./xml.js";
