// `npm run docs` — writes the offline API reference page docs/index.html from spec/openapi.yaml.
import { relative } from "node:path";
import { buildReferenceDocs } from "./lib/reference-docs.js";
import { ROOT } from "../common/package-files.js";

buildReferenceDocs(`${ROOT}docs/index.html`)
  .then((file) => console.log(`wrote ${relative(process.cwd(), file)} (offline: no CDN, font or script URL)`))
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
