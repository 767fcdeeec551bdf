/**
 * The `data` of each server-sent event in a byte stream (the text/event-stream format: events end at a
 * blank line, `data:` lines of one event join with newlines, comments and other fields are skipped).
 */
export async function* serverSentEventData(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += decoder.decode(value, { stream: true });
      let newline = buffered.search(/\r?\n/);
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(
          newline + (buffered[newline] === '\r' ? 2 : 1),
        );
        if (line === '') {
          if (data.length) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line[5] === ' ' ? 6 : 5));
        }
        newline = buffered.search(/\r?\n/);
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
