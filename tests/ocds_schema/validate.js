#!/usr/bin/env node
// Validates OCDS release packages against the official schemas with ajv (JSON Schema draft-04, as the
// OCDS 1.1 schemas are written). Used by tests/api/ocds_export_test (docs/OCDS_MAPPING.md, "Export").
//
//   node validate.js <schema dir> <package.json>...
//
// Each file must be a release package valid against schema-release-package-1.2.json (whose releases refer to
// the core release schema, schema-release-1.2.json), and each of its releases must also be valid against the
// PPP profile's patched release schema (schema-release-ppp-patched.json). Prints every error with its JSON
// pointer and exits 1 when any file is invalid, 2 on a usage or I/O error.
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv-draft-04");
const addFormats = require("ajv-formats");

if (process.argv.length < 4) {
  console.error("usage: node validate.js <schema dir> <package.json>...");
  process.exit(2);
}
const schemaDir = process.argv[2];
const load = (file) => JSON.parse(fs.readFileSync(file, "utf8"));

// strict: false because the OCDS schemas use their own annotation keywords (codelist, openCodelist,
// mergeStrategy, deprecated, …), which draft-04 ignores.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const release = load(path.join(schemaDir, "schema-release-1.2.json"));
const pkg = load(path.join(schemaDir, "schema-release-package-1.2.json"));
const ppp = load(path.join(schemaDir, "schema-release-ppp-patched.json"));
ajv.addSchema(release);
const validatePackage = ajv.compile(pkg);
const validatePpp = ajv.compile(ppp);

const report = (file, where, errors) => {
  for (const e of errors) console.log(`${file}: ${where}${e.instancePath || "/"} ${e.message}`);
};
let invalid = 0;
for (const file of process.argv.slice(3)) {
  const data = load(file);
  if (!validatePackage(data)) {
    invalid++;
    report(file, "release package ", validatePackage.errors);
    continue;
  }
  (data.releases || []).forEach((r, i) => {
    if (!validatePpp(r)) {
      invalid++;
      report(file, `releases/${i} (PPP profile) `, validatePpp.errors);
    }
  });
  console.log(`${file}: ${invalid ? "INVALID" : "valid"} (${(data.releases || []).length} releases)`);
}
process.exit(invalid ? 1 : 0);
