import { execFile, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Whether the openssl command line is installed (the TSA tests need it and say so when they skip). */
export const opensslAvailable = spawnSync("openssl", ["version"]).status === 0;

/** Skip without openssl only outside CI: in CI (.ci/run installs it) a missing openssl fails the tests instead. */
export const skipWithoutOpenssl = !opensslAvailable && process.env["CI"] !== "true";

export interface TestPki {
  readonly dir: string;
  readonly caPem: string;
  /** Issues a TSA key and certificate signed by the test CA; `ekuCritical: false` makes one RFC 3161 forbids. */
  issueTsa(name: string, ekuCritical?: boolean): Promise<{ keyFile: string; certFile: string; certPem: string }>;
  close(): Promise<void>;
}

/** A throw-away CA in a temporary folder (EC P-256 keys, made by openssl). */
export async function createTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), "ihp-tsa-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await run("openssl", ["req", "-x509", ...ec, "-keyout", join(dir, "ca.key"), "-out", join(dir, "ca.pem"), "-days", "3650",
    "-subj", "/CN=IHP Test Root CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
  return {
    dir,
    caPem: await readFile(join(dir, "ca.pem"), "utf8"),
    async issueTsa(name, ekuCritical = true) {
      const keyFile = join(dir, `${name}.key`);
      const certFile = join(dir, `${name}.pem`);
      const extFile = join(dir, `${name}.ext`);
      await writeFile(extFile, [
        `extendedKeyUsage=${ekuCritical ? "critical," : ""}timeStamping`,
        "keyUsage=critical,digitalSignature",
        "basicConstraints=CA:FALSE",
        "subjectKeyIdentifier=hash",
      ].join("\n"));
      await run("openssl", ["req", ...ec, "-keyout", keyFile, "-out", join(dir, `${name}.csr`), "-subj", `/CN=${name}`]);
      await run("openssl", ["x509", "-req", "-in", join(dir, `${name}.csr`), "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"),
        "-CAcreateserial", "-out", certFile, "-days", "365", "-extfile", extFile]);
      return { keyFile, certFile, certPem: await readFile(certFile, "utf8") };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface LocalTsa {
  readonly url: string;
  readonly certPem: string;
  /** What the server does with the next requests: answer with `openssl ts -reply`, or fail at the HTTP level. */
  mode: "reply" | "http-500";
  /** `openssl ts -verify` of a DER token over a hex digest, against the test CA: the exit status and output. */
  opensslVerify(token: Uint8Array, digestHex: string): Promise<{ ok: boolean; output: string }>;
  close(): Promise<void>;
}

/**
 * A local RFC 3161 TSA: an HTTP server that answers each application/timestamp-query with what `openssl ts -reply`
 * makes of it (policy 1.2.3.4.1, SHA-256 ESS certificate id, accuracy 1 s).
 */
export async function startOpensslTsa(pki: TestPki, name = "tsa"): Promise<LocalTsa> {
  const { keyFile, certFile, certPem } = await pki.issueTsa(name);
  const dir = pki.dir;
  const config = join(dir, `${name}.cnf`);
  await writeFile(join(dir, `${name}.serial`), "01\n");
  await writeFile(config, [
    "[ tsa ]",
    "default_tsa = tsa_config",
    "[ tsa_config ]",
    `serial = ${join(dir, `${name}.serial`)}`,
    "crypto_device = builtin",
    `signer_cert = ${certFile}`,
    `certs = ${certFile}`,
    `signer_key = ${keyFile}`,
    "signer_digest = sha256",
    "default_policy = 1.2.3.4.1",
    "other_policies = 1.2.3.4.5",
    "digests = sha256, sha384, sha512",
    "accuracy = secs:1",
    "ordering = yes",
    "tsa_name = yes",
    "ess_cert_id_chain = no",
    "ess_cert_id_alg = sha256",
  ].join("\n"));
  let counter = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        if (tsa.mode === "http-500" || request.method !== "POST") {
          response.writeHead(500).end();
          return;
        }
        counter += 1;
        const query = join(dir, `${name}-${counter}.tsq`);
        const reply = join(dir, `${name}-${counter}.tsr`);
        await writeFile(query, Buffer.concat(chunks));
        try {
          await run("openssl", ["ts", "-reply", "-config", config, "-queryfile", query, "-out", reply]);
          response.writeHead(200, { "content-type": "application/timestamp-reply" }).end(await readFile(reply));
        } catch {
          response.writeHead(400).end();
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the test TSA has no TCP address");
  const tsa: LocalTsa = {
    url: `http://127.0.0.1:${address.port}/tsa`,
    certPem,
    mode: "reply",
    async opensslVerify(token, digestHex) {
      counter += 1;
      const tokenFile = join(dir, `${name}-verify-${counter}.der`);
      await writeFile(tokenFile, token);
      const args = ["ts", "-verify", "-digest", digestHex, "-token_in", "-in", tokenFile, "-CAfile", join(dir, "ca.pem"), "-untrusted", certFile];
      try {
        const { stdout, stderr } = await run("openssl", args);
        return { ok: true, output: `${stdout}${stderr}` };
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string };
        return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
      }
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  return tsa;
}
