import { IncomingMessage, ServerResponse } from 'http';

/** An error answered in Argo CD's shape: `{ error, code, message }` with its gRPC code. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly code: number) {
    super(message);
  }
}

export async function readBody(
  req: IncomingMessage,
): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not JSON', 3);
  }
}

export function reply(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function replyError(res: ServerResponse, error: HttpError) {
  reply(res, error.status, {
    error: error.message,
    code: error.code,
    message: error.message,
  });
}
