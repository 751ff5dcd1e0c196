export type CatalogueErrorCode = "INVALID_CATALOGUE";

/** The catalogue file was refused. The message names the entry (index and code) and the field at fault. */
export class CatalogueError extends Error {
  readonly code: CatalogueErrorCode = "INVALID_CATALOGUE";

  constructor(message: string) {
    super(message);
    this.name = "CatalogueError";
  }
}
