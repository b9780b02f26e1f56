// A wall-clock time in a named time zone, to and from an instant (UTC), with Intl.DateTimeFormat
// only: the host schedules « 5 décembre, 8 h 00 » in the community's zone, whatever the device's.
// Tested in tests/unit/newsletter.test.mjs (Toronto across its November change, Paris).

const parts_formats = new Map<string, Intl.DateTimeFormat>();
function parts_format(tz: string): Intl.DateTimeFormat {
  let f = parts_formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    parts_formats.set(tz, f);
  }
  return f;
}

/** The wall clock of `tz` at the instant `ms`, as the fields of a UTC date (so it can be subtracted). */
function wall_clock(ms: number, tz: string): number {
  const v: Record<string, number> = {};
  for (const p of parts_format(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') v[p.type] = Number(p.value);
  return Date.UTC(v.year, v.month - 1, v.day, v.hour % 24, v.minute, v.second);
}

/** How far ahead of UTC `tz` is at the instant `ms`, in ms (Toronto in winter: -5 h). */
export function zone_offset(ms: number, tz: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wall_clock(whole, tz) - whole;
}

const DAY = 86_400_000;

/**
 * The instant (an ISO string in UTC) when `tz`'s clock shows `date` (YYYY-MM-DD) at `time`
 * (HH:MM). Around a change of offset: a time the clock shows twice (the autumn's hour) is the
 * first of the two; a time it skips (the spring's hour) is read with the offset before the
 * change, so it lands just after it (02:30 that does not exist is 03:30). Null for an input
 * that is not a date and a time, or an unknown zone.
 */
export function zoned_to_utc(date: string, time: string, tz: string): string | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const h = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !h) return null;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(h[1]), Number(h[2]));
  try {
    // The offsets a day either side hold across any single change; each gives one reading.
    const before = wall - zone_offset(wall - DAY, tz);
    const after = wall - zone_offset(wall + DAY, tz);
    const fits = (ms: number) => wall_clock(ms, tz) === wall;
    const found = [before, after].filter(fits);
    const ms = found.length ? Math.min(...found) : before;
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  } catch {
    return null; // an unknown zone
  }
}

/** What `tz`'s clock shows at `iso`: the values of a date input and a time input. */
export function utc_to_zoned(iso: string, tz: string): { date: string; time: string } {
  const w = new Date(wall_clock(Date.parse(iso), tz)).toISOString();
  return { date: w.slice(0, 10), time: w.slice(11, 16) };
}
