// Process entry of the pharmacy service in the distributed mode (one pod): configuration from the environment, NATS
// JetStream bus (the signed prescriptions arrive on it), tracing, metrics, and an ordered stop on SIGTERM. The
// embedded runner calls startPharmacyService.
import { loadCatalogueFile, sampleCatalogue } from "@ihp/drug-catalogue";
import { loadConfig } from "@ihp/platform";
import { runServiceProcess } from "@ihp/service-host";
import { catalogueLookup } from "./adapters/catalogue/drugCatalogue.js";
import { pharmacyConfigSchema } from "./config.js";
import { startPharmacyService } from "./service.js";

await runServiceProcess({
  name: "pharmacy",
  config: loadConfig(pharmacyConfigSchema),
  start: async (config, deps) => {
    const file = config.DRUG_CATALOGUE_FILE;
    const catalogue = catalogueLookup(file === undefined ? await sampleCatalogue() : await loadCatalogueFile(file));
    return startPharmacyService({ config, ...deps, catalogue });
  },
});
