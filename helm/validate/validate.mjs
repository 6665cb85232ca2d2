// Validates every document of the given YAML files (or directories of them) against the schema of
// its apiVersion and kind: Kubernetes (kubernetes-models), KEDA (@kubernetes-models/keda) and the
// Prometheus Operator (@kubernetes-models/prometheus-operator). Types, enums, formats and required
// fields are checked; a kind without a schema here is an error, never a silent pass. Unknown fields
// are not caught by these schemas (the JUnit tests assert the fields that matter).
//
//   node validate.mjs FILE_OR_DIR...      exit 0 when every document is valid
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

// apiVersion group -> module prefix that has one module per kind under <group>/<version>/.
const PACKAGES = {
  "": "kubernetes-models",
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};
const KUBERNETES_GROUPS = /^([a-z0-9-]+\.)*k8s\.io$|^(apps|batch|autoscaling|policy)$/;

function modulePath(apiVersion, kind) {
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (group === "") return `kubernetes-models/${version}/${kind}`;
  if (KUBERNETES_GROUPS.test(group)) return `kubernetes-models/${group}/${version}/${kind}`;
  const pkg = PACKAGES[group];
  return pkg ? `${pkg}/${group}/${version}/${kind}` : null;
}

function yamlFiles(path) {
  if (statSync(path).isDirectory()) {
    return readdirSync(path).sort().flatMap((name) => yamlFiles(join(path, name)));
  }
  return /\.ya?ml$/.test(path) ? [path] : [];
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: node validate.mjs FILE_OR_DIR...");
  process.exit(2);
}

let passed = 0;
let failed = 0;
const fail = (where, message) => {
  failed++;
  console.log(`FAIL ${where}: ${message}`);
};

for (const file of args.flatMap(yamlFiles)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  let index = 0;
  for (const doc of docs) {
    index++;
    if (doc.errors.length > 0) {
      fail(`${file}#${index}`, doc.errors.map((e) => e.message).join("; "));
      continue;
    }
    const object = doc.toJS();
    if (object == null) continue;
    const { apiVersion, kind } = object;
    const where = `${file}#${index} ${kind}/${object.metadata?.name}`;
    if (typeof apiVersion !== "string" || typeof kind !== "string") {
      fail(where, "no apiVersion or kind");
      continue;
    }
    if (apiVersion.startsWith("kustomize.config.k8s.io/")) continue; // not a cluster resource
    const path = modulePath(apiVersion, kind);
    let Model;
    try {
      if (path == null) throw new Error("no schema package for this group");
      Model = (await import(path))[kind];
      if (typeof Model !== "function") throw new Error(`${path} exports no ${kind}`);
    } catch (e) {
      fail(where, `no schema for ${apiVersion} ${kind} (${e.message})`);
      continue;
    }
    try {
      new Model(object).validate();
      passed++;
    } catch (e) {
      fail(where, e.message);
    }
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
