// The real kanri binary for the browser tests: a fresh data directory, `kanri serve` on
// loopback with ports chosen by the OS (read from its "listening" log lines), a site
// administrator bootstrapped from the command line, and a small API client for set-up.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The server's certificate is self-signed, generated in the fresh data directory.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

// OPS-4: `kanri serve` refuses to run as root without --user. When the tests run as root (CI),
// the server runs as the system user kanri-test (created when missing), and the data directory is
// given to that user before each start and after each command run as root.
const SERVER_USER = "kanri-test";
function serverUser() {
  if (process.getuid?.() !== 0) return null;
  const exists = () => spawnSync("id", ["-u", SERVER_USER], { stdio: "ignore" }).status === 0;
  if (!exists()) {
    spawnSync("/usr/sbin/useradd", ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
      "--shell", "/usr/sbin/nologin", SERVER_USER], { stdio: "ignore" });
    if (!exists()) throw new Error(`cannot create the system user ${SERVER_USER} to run kanri serve as (OPS-4)`);
  }
  return SERVER_USER;
}

export class Kanri {
  constructor(binary) {
    this.binary = binary;
    this.dataDir = mkdtempSync(join(tmpdir(), "kanri-web-e2e-"));
    this.clockFile = join(this.dataDir, "clock-offset-ms");
    this.env = { ...process.env, KANRI_TEST_CLOCK_FILE: this.clockFile };
    this.logs = [];
    this.user = serverUser();
  }

  giveDataDirToServerUser() {
    if (this.user) execFileSync("chown", ["-R", "-h", `${this.user}:${this.user}`, this.dataDir]);
  }

  cli(args, input) {
    const r = spawnSync(this.binary, [...args, "--data-dir", this.dataDir], { input, env: this.env, encoding: "utf8" });
    this.giveDataDirToServerUser();
    if (r.status !== 0) throw new Error(`kanri ${args.join(" ")} failed (${r.status}): ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  bootstrap(login, password) {
    return this.cli(["admin", "bootstrap", "--login", login, "--password-stdin"], password + "\n");
  }

  async start(extraArgs = []) {
    const args = ["serve", "--data-dir", this.dataDir, "--listen-api", "127.0.0.1:0", "--listen-cwmp", "127.0.0.1:0", ...extraArgs];
    if (this.user) args.push("--user", this.user);
    this.giveDataDirToServerUser();
    this.proc = spawn(this.binary, args, { env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    const ports = {};
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("kanri serve did not start listening:\n" + this.logs.join(""))), 30_000);
      const onData = (chunk) => {
        const text = chunk.toString();
        this.logs.push(text);
        for (const line of text.split("\n")) {
          if (!line.includes('"msg":"listening"')) continue;
          try {
            const j = JSON.parse(line);
            ports[j.listener] = j.port;
          } catch {
            // not a JSON line
          }
        }
        if (ports.api && ports.cwmp) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.proc.stdout.on("data", onData);
      this.proc.stderr.on("data", onData);
      this.proc.on("exit", (code) => reject(new Error(`kanri serve exited (${code}):\n` + this.logs.join(""))));
    });
    this.proc.removeAllListeners("exit");
    this.apiPort = ports.api;
    this.cwmpPort = ports.cwmp;
    this.baseUrl = `https://127.0.0.1:${ports.api}`;
    this.cwmpUrl = `https://127.0.0.1:${ports.cwmp}/`;
    return this;
  }

  // Moves the server's clock (test builds only; see base/clock.h).
  setClockOffsetMs(ms) {
    writeFileSync(this.clockFile + ".tmp", String(ms));
    renameSync(this.clockFile + ".tmp", this.clockFile);
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once("exit", r));
      this.proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    }
  }

  cleanup() {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  // A logged-in API client (cookie and CSRF token kept).
  async session(company, login, password) {
    const client = new ApiClient(this.baseUrl);
    await client.login(company, login, password);
    return client;
  }

  serverLog() {
    return this.logs.join("");
  }
}

export class ApiClient {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookie = "";
    this.csrf = "";
  }

  async call(method, path, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.cookie) headers.Cookie = this.cookie;
    if (method !== "GET") headers["X-CSRF-Token"] = this.csrf;
    const r = await fetch(this.baseUrl + "/api/v1" + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = r.headers.get("set-cookie");
    if (setCookie) this.cookie = setCookie.split(";")[0];
    const text = await r.text();
    const json = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${path} -> ${r.status} ${text}`);
    return json;
  }

  async login(company, login, password) {
    const s = await this.call("POST", "/session", { company, login, password });
    this.csrf = s.csrf_token;
    return s;
  }
}

export function readText(path) {
  return readFileSync(path, "utf8");
}

// The credentials every simulated device starts with (the profiles' bootstrap user).
export const BOOT_USER = "bootstrap";
export const BOOT_PASSWORD = "Boot-strap-Secret-42";

// A `kanri sim` fleet of `count` TR-181 gateways (OUI 00D09E, product class SimGateway, serials
// <serialPrefix>000001…) that knows the profiles' bootstrap credentials; stop() ends it. Options:
// `stateDir` keeps each device's parameters (its rotated credential) across restarts,
// `firstIndex` numbers the first device, `password` replaces the bootstrap password, `faults`
// are faults answered on purpose (DEV-8: `--fault METHOD=CODE[xTIMES][@PERCENT%]` each), `model`
// is the data model (DEV-7: "tr098" for InternetGatewayDevice. gateways), `reverts` are values
// the devices put back before each session (DEV-7's drift: `PATH=VALUE` each), `modelName` and
// `softwareVersion` their DeviceInfo.ModelName and first SoftwareVersion (DEV-6's campaigns).
export function startSim(kanri, count, serialPrefix = "SIM", { stateDir, firstIndex, password = BOOT_PASSWORD, faults = [], model = "tr181", reverts = [], modelName, softwareVersion } = {}) {
  const args = ["sim", "--devices", String(count), "--acs", kanri.cwmpUrl, "--insecure", "--serial-prefix", serialPrefix, "--oui", "00D09E",
    "--product-class", "SimGateway", "--model", model, "--username", BOOT_USER, "--password", password,
    "--inform-interval", "3600", "--ramp-up", "0", "--reboot-seconds", "1", "--cr-listen", "127.0.0.1:0",
    ...(stateDir ? ["--state-dir", stateDir] : []), ...(firstIndex ? ["--first-index", String(firstIndex)] : []),
    ...faults.flatMap((f) => ["--fault", f]), ...reverts.flatMap((r) => ["--revert", r]),
    ...(modelName ? ["--model-name", modelName] : []), ...(softwareVersion ? ["--software-version", softwareVersion] : [])];
  const proc = spawn(kanri.binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  proc.stdout.on("data", (d) => log.push(d.toString()));
  proc.stderr.on("data", (d) => log.push(d.toString()));
  return {
    log: () => log.join(""),
    stop: async () => {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}

// Asks `fn` every half second until it answers something truthy (returned), or fails after the timeout.
export async function until(what, fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

// Switches the console's language with the top bar's buttons and waits until the page says so.
export async function switchLanguage(page, lang) {
  await page.getByRole("button", { name: lang === "en" ? "English" : "日本語" }).click();
  await page.waitForFunction((want) => document.documentElement.lang === want, lang);
}
