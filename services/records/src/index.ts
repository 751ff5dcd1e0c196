// @ihp/records: the records service (issue 11).
export * from "./domain/document.js";
