// Server-Sent Events parsing (the HTML standard's "event stream interpretation"), for streams
// read with fetch(): EventSource cannot send an Authorization header.

/**
 * A parser fed text as it arrives, in chunks cut anywhere; calls onEvent({ type, data, id })
 * for each complete event (lines end in CRLF, LF or CR; `:` lines are comments; an event
 * without data is not dispatched; `id` is the last id seen, kept across events as the standard says).
 */
export function createParser(onEvent) {
  let buffer = '';
  let data = [];
  let type = '';
  let lastId = '';

  function line(text) {
    if (text === '') {
      if (data.length) onEvent({ type: type || 'message', data: data.join('\n'), id: lastId });
      data = [];
      type = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  }

  let afterCR = false; // the last chunk ended in CR: an LF opening this one belongs to it
  return {
    feed(chunk) {
      buffer += afterCR && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
      afterCR = false;
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const ch = buffer[i];
        if (ch !== '\n' && ch !== '\r') continue;
        line(buffer.slice(start, i));
        if (ch === '\r' && i + 1 === buffer.length) afterCR = true;
        else if (ch === '\r' && buffer[i + 1] === '\n') i += 1;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
