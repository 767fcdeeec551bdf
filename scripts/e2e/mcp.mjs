// The registered Shiplog actions reached as an MCP client reaches them: the portal's MCP server
// (@backstage/plugin-mcp-actions-backend, streamable HTTP at /api/mcp-actions/v1) lists them as tools
// and runs "what runs where" for checkout as the signed-in guest.

/** A signed-in guest's Backstage token, as the portal's sign-in page gets it. */
async function guestToken(backend) {
  const res = await fetch(`${backend}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

/** One JSON-RPC call to the MCP server; answers arrive as JSON or as one server-sent event. */
async function rpc(backend, token, id, method, params = {}) {
  const res = await fetch(`${backend}/api/mcp-actions/v1`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  const data = text.startsWith('{')
    ? text
    : text
        .split('\n')
        .find(line => line.startsWith('data:'))
        ?.slice(5);
  return { status: res.status, body: data ? JSON.parse(data) : undefined };
}

/** The MCP server lists Shiplog's actions and runs one for the guest. */
export async function checkMcpTools(ctx) {
  const token = await guestToken(ctx.backend);
  await rpc(ctx.backend, token, 1, 'initialize', {
    protocolVersion: '2025-03-26',
    capabilities: {},
    clientInfo: { name: 'shiplog-e2e', version: '1.0.0' },
  });
  const listed = await rpc(ctx.backend, token, 2, 'tools/list');
  const names = (listed.body?.result?.tools ?? []).map(tool => tool.name);
  const shiplog = names.filter(name => name.includes('shiplog'));
  ctx.check(
    shiplog.length >= 3,
    `mcp: the portal's MCP server lists Shiplog's actions as tools (${
      shiplog.join(', ') || `none; answered ${listed.status}`
    })`,
  );
  const whereTool = shiplog.find(name => /where/i.test(name));
  if (!whereTool) return;
  const called = await rpc(ctx.backend, token, 3, 'tools/call', {
    name: whereTool,
    arguments: { entityRef: 'component:default/checkout' },
  });
  const text = JSON.stringify(called.body?.result ?? called.body);
  ctx.check(
    !called.body?.result?.isError && text.includes('prod'),
    `mcp: ${whereTool} answers for checkout as the guest (${text.slice(
      0,
      160,
    )})`,
  );
}
