const offsets = new Map<number, string>();

function offsetOf(minutes: number): string {
  let off = offsets.get(minutes);
  if (off === undefined) {
    const abs = Math.abs(minutes);
    off = `${minutes >= 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    offsets.set(minutes, off);
  }
  return off;
}

/** RFC 3339 with +08:00, as WeChat Pay writes times: rfc3339(0) → "1970-01-01T08:00:00+08:00". */
export function rfc3339(ms: number, offsetMinutes = 480): string {
  const iso = new Date(ms + offsetMinutes * 60_000).toISOString();
  // YYYY-MM-DDTHH:mm:ss.sssZ for years 0-9999 (a slice, not a regex: several calls per order); ±YYYYYY beyond.
  return iso.length === 24 ? iso.slice(0, 19) + offsetOf(offsetMinutes) : iso.replace(/\.\d{3}Z$/, offsetOf(offsetMinutes));
}
