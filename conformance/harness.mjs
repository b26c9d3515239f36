// Loopback harness between the MCP conformance suite and a running MCP Hub.
//
// The suite speaks to MCP servers without credentials; the hub requires a bearer on /mcp. This
// proxy listens on a free loopback port and forwards every request to the hub, ADDING
// `Authorization: Bearer <key>` and changing nothing else: Host and Origin go through exactly
// as the suite sent them (so `dns-rebinding-protection` tests the hub's own Host/Origin check,
// not this proxy), and responses (JSON or SSE) are streamed back chunk by chunk, unbuffered.
//
// Environment: HUB_URL (e.g. http://127.0.0.1:8080), MCPHUB_KEY (the bearer to add),
// HARNESS_PORT (optional, 0 = any free port). Prints `harness listening on <url>` once bound.

import http from "node:http";

const hub = new URL(process.env.HUB_URL ?? "");
const key = process.env.MCPHUB_KEY ?? "";
if (hub.protocol !== "http:" || !key) {
  console.error("harness: set HUB_URL (http://host:port) and MCPHUB_KEY");
  process.exit(2);
}

// One connection per request: nothing is pooled or reused between the suite's clients.
const agent = new http.Agent({ keepAlive: false });

const server = http.createServer((req, res) => {
  // rawHeaders keeps every header exactly as received (name case, order, repeats) — including
  // Host and Origin. Only a client-sent Authorization is dropped, replaced by the hub key.
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i].toLowerCase() === "authorization") continue;
    headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  headers.push("Authorization", `Bearer ${key}`);

  const upstream = http.request({
    agent,
    host: hub.hostname,
    port: hub.port,
    method: req.method,
    path: req.url,
    headers, // array form: sent as is, Host included (node does not add its own)
    setHost: false,
  });
  upstream.on("response", (answer) => {
    res.writeHead(answer.statusCode, answer.statusMessage, answer.rawHeaders);
    res.flushHeaders(); // an SSE stream's headers reach the client before its first event
    answer.pipe(res); // chunks are written as they arrive
    res.on("close", () => answer.destroy());
  });
  upstream.on("error", (error) => {
    if (!res.headersSent) {
      res.writeHead(502, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: "bad_gateway", error_description: String(error.message) }));
    } else {
      res.destroy(error);
    }
  });
  req.pipe(upstream);
  req.on("aborted", () => upstream.destroy());
});

server.listen(Number(process.env.HARNESS_PORT ?? 0), "127.0.0.1", () => {
  const { port } = server.address();
  console.log(`harness listening on http://127.0.0.1:${port}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections?.();
    process.exit(0);
  });
}
