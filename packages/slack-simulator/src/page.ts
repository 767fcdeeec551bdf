import type { SlackChannel, SlackMessage } from './workspace';

/** The stand-in's front page: each channel's threads as Slack shows them, parent then replies. */
export function renderWorkspacePage(channels: SlackChannel[]): string {
  const body = channels.length
    ? channels.map(renderChannel).join('\n')
    : '<p class="empty">No messages yet.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slack stand-in</title>
<meta http-equiv="refresh" content="5">
<style>
body{font:15px/1.45 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;background:#f8f8f8;color:#1d1c1d}
header{background:#3f0e40;color:#fff;padding:10px 20px;font-weight:700}
main{max-width:920px;margin:0 auto;padding:16px}
h2{font-size:18px;margin:24px 0 8px}
.thread{background:#fff;border:1px solid #ddd;border-radius:8px;margin:0 0 16px;padding:12px 16px}
.msg{display:flex;gap:10px;padding:6px 0}
.avatar{width:36px;height:36px;border-radius:6px;background:#2eb67d;color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;flex:none}
.who{font-weight:700}.when{color:#616061;font-size:12px;margin-left:6px}
.edited{color:#616061;font-size:12px}
.replies{border-left:3px solid #e8e8e8;margin:4px 0 0 18px;padding-left:16px}
.count{color:#1264a3;font-size:13px;font-weight:700;margin:4px 0 0 46px}
.block{margin:2px 0}.context{color:#616061;font-size:13px}.header{font-size:17px;font-weight:800}
.field{display:inline-block;min-width:45%;margin-right:8px}
.button{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 10px;margin:4px 6px 0 0;font-size:13px;color:#1d1c1d;text-decoration:none}
code{background:#f6f6f6;border:1px solid #e8e8e8;border-radius:3px;padding:0 3px;font-size:13px;color:#c01343}
a{color:#1264a3}.empty{color:#616061}
</style></head>
<body><header>Slack stand-in</header><main>
${body}
</main></body></html>`;
}

function renderChannel(channel: SlackChannel): string {
  const parents = channel.messages.filter(
    m => !m.thread_ts || m.thread_ts === m.ts,
  );
  const threads = parents
    .map(parent => {
      const replies = channel.messages.filter(
        m => m.thread_ts === parent.ts && m.ts !== parent.ts,
      );
      const replyHtml = replies.length
        ? `<div class="count">${replies.length} ${
            replies.length === 1 ? 'reply' : 'replies'
          }</div><div class="replies">${replies
            .map(renderMessage)
            .join('')}</div>`
        : '';
      return `<div class="thread" data-ts="${parent.ts}">${renderMessage(
        parent,
      )}${replyHtml}</div>`;
    })
    .join('\n');
  return `<section data-channel="${escapeHtml(channel.id)}"><h2>#${escapeHtml(
    channel.name,
  )}</h2>${threads}</section>`;
}

function renderMessage(message: SlackMessage): string {
  const when = new Date(Number(message.ts) * 1000).toISOString().slice(11, 19);
  const content = message.blocks?.length
    ? message.blocks.map(renderBlock).join('')
    : `<div class="block">${mrkdwn(message.text)}</div>`;
  return `<div class="msg"><div class="avatar">S</div><div><span class="who">Shiplog</span><span class="when">${when}</span>${
    message.edited ? ' <span class="edited">(edited)</span>' : ''
  }${content}</div></div>`;
}

interface TextObject {
  type?: string;
  text?: string;
}

interface Block {
  type?: string;
  text?: TextObject;
  fields?: TextObject[];
  elements?: Array<TextObject & { url?: string }>;
}

function renderBlock(raw: unknown): string {
  const block = raw as Block;
  switch (block.type) {
    case 'header':
      return `<div class="block header">${escapeHtml(
        block.text?.text ?? '',
      )}</div>`;
    case 'section': {
      const fields = (block.fields ?? [])
        .map(f => `<span class="field">${mrkdwn(f.text ?? '')}</span>`)
        .join('');
      return `<div class="block">${mrkdwn(block.text?.text ?? '')}${
        fields ? `<div>${fields}</div>` : ''
      }</div>`;
    }
    case 'context':
      return `<div class="block context">${(block.elements ?? [])
        .map(e => mrkdwn(e.text ?? ''))
        .join(' · ')}</div>`;
    case 'actions':
      return `<div class="block">${(block.elements ?? [])
        .map(
          e =>
            `<a class="button" href="${escapeHtml(e.url ?? '#')}">${escapeHtml(
              (e.text as TextObject | undefined)?.text ?? '',
            )}</a>`,
        )
        .join('')}</div>`;
    case 'divider':
      return '<hr>';
    default:
      return '';
  }
}

/** Slack's mrkdwn, enough for the page: links, bold, italic, strike, code, line breaks. */
export function mrkdwn(text: string): string {
  const parts = text.split(/(<[^<>]+>)/);
  return parts
    .map(part => {
      const link = /^<([^|<>]+)(?:\|([^<>]*))?>$/.exec(part);
      if (link && /^(https?:|mailto:)/.test(link[1])) {
        return `<a href="${escapeHtml(link[1])}">${escapeHtml(
          link[2] ?? link[1],
        )}</a>`;
      }
      return escapeHtml(part)
        .replace(/`([^`]+)`/g, '<code>$1</code>')
        .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>')
        .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>')
        .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<s>$2</s>')
        .replace(/\n/g, '<br>');
    })
    .join('');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&(?!(amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
