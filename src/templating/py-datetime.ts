import { CompilationError } from '../errors.js';
import { callableWithMembers } from './callable-members.js';
import { pyFloat, type PyFloat } from './jinja/values.js';

/**
 * Python's `datetime` module as dbt exposes it to templates (`modules.datetime`, `run_started_at`)
 * and a `pytz`-like time zone module, on JS numbers: `datetime`, `date`, `timedelta`, `timezone.utc`,
 * with `strftime`, `isoformat`, `astimezone`, `replace`, `strptime` (common directives) and
 * arithmetic through `__add__` / `__sub__` (docs.python.org/3/library/datetime.html;
 * docs.getdbt.com/reference/dbt-jinja-functions/modules). Time zones come from the JS runtime's
 * IANA database (Intl).
 */

const MS_PER_DAY = 86_400_000;
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (value: number, width = 2): string => String(Math.abs(value)).padStart(width, '0');

function kwargsOf(args: unknown[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (typeof last === 'object' && last !== null && (last as { __keywords?: boolean }).__keywords) {
    const { __keywords: _k, ...rest } = last as Record<string, unknown>;
    return [args.slice(0, -1), rest];
  }
  return [args, {}];
}

/** A fixed-offset or IANA time zone (Python's tzinfo). */
export class PyTimezone {
  /**
   * @param zone IANA name (`America/New_York`), or `UTC`
   * @param fixedMinutes a fixed offset east of UTC, for `timezone(timedelta(...))`
   */
  constructor(readonly zone: string, private readonly fixedMinutes?: number) {
    if (fixedMinutes === undefined && zone !== 'UTC') {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
      } catch {
        throw new CompilationError(`Unknown time zone: '${zone}'`);
      }
    }
  }

  /** Offset east of UTC, in minutes, at a UTC instant (ms). */
  offsetAt(instant: number): number {
    if (this.fixedMinutes !== undefined) return this.fixedMinutes;
    if (this.zone === 'UTC') return 0;
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: this.zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(instant));
    const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
  }

  /** Abbreviation-ish name for `%Z`. */
  nameAt(instant: number): string {
    if (this.zone === 'UTC' || this.fixedMinutes === 0) return 'UTC';
    if (this.fixedMinutes !== undefined) return `UTC${formatOffset(this.fixedMinutes, ':')}`;
    const part = new Intl.DateTimeFormat('en-US', { timeZone: this.zone, timeZoneName: 'short' }).formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName');
    return part?.value ?? this.zone;
  }

  localize(dt: PyDateTime): PyDateTime {
    return dt.replace(Object.assign({ tzinfo: this }, { __keywords: true }));
  }

  toString(): string {
    return this.zone;
  }
}

function formatOffset(minutes: number, separator: string): string {
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}${separator}${pad(Math.abs(minutes) % 60)}`;
}

/** Python's `timedelta`: days, seconds and microseconds, normalised like Python's. */
export class PyTimedelta {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(...args: unknown[]) {
    const [positional, kw] = kwargsOf(args);
    const [d = 0, s = 0, us = 0, ms = 0, min = 0, h = 0, w = 0] = positional as number[];
    const total =
      (Number(kw.weeks ?? w) * 7 + Number(kw.days ?? d)) * 86_400e6 +
      Number(kw.hours ?? h) * 3_600e6 +
      Number(kw.minutes ?? min) * 60e6 +
      Number(kw.seconds ?? s) * 1e6 +
      Number(kw.milliseconds ?? ms) * 1e3 +
      Number(kw.microseconds ?? us);
    const micros = Math.round(total);
    this.days = Math.floor(micros / 86_400e6);
    const rest = micros - this.days * 86_400e6;
    this.seconds = Math.floor(rest / 1e6);
    this.microseconds = rest - this.seconds * 1e6;
  }

  /** Whole length in microseconds. */
  get totalMicros(): number {
    return this.days * 86_400e6 + this.seconds * 1e6 + this.microseconds;
  }

  /** Python's `timedelta.total_seconds()`: a float, so a whole number renders `93600.0`. */
  total_seconds(): number | PyFloat {
    return pyFloat(this.totalMicros / 1e6);
  }

  __add__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return new PyTimedelta(Object.assign({ microseconds: this.totalMicros + other.totalMicros }, { __keywords: true }));
    if (other instanceof PyDate) return other.__add__(this);
    return undefined;
  }

  __sub__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return new PyTimedelta(Object.assign({ microseconds: this.totalMicros - other.totalMicros }, { __keywords: true }));
    return undefined;
  }

  valueOf(): number {
    return this.totalMicros;
  }

  /** Numbers for comparisons, Python's str() when rendered or concatenated. */
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? this.valueOf() : this.toString();
  }

  toString(): string {
    const hours = Math.floor(this.seconds / 3600);
    const clock = `${hours}:${pad(Math.floor((this.seconds % 3600) / 60))}:${pad(this.seconds % 60)}${this.microseconds ? `.${pad(this.microseconds, 6)}` : ''}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${clock}` : clock;
  }
}

/** Python's `date`: a calendar day. */
export class PyDate {
  constructor(readonly year: number, readonly month: number, readonly day: number) {
    if (!(month >= 1 && month <= 12) || !(day >= 1 && day <= daysInMonth(year, month))) throw new CompilationError(`date out of range: ${year}-${month}-${day}`);
  }

  /** Days since 1970-01-01 (the day's UTC midnight in ms, divided out). */
  protected get epochMs(): number {
    return Date.UTC(this.year, this.month - 1, this.day);
  }

  weekday(): number {
    return (new Date(this.epochMs).getUTCDay() + 6) % 7;
  }

  isoweekday(): number {
    return this.weekday() + 1;
  }

  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }

  strftime(format: string): string {
    return strftime(format, { year: this.year, month: this.month, day: this.day, hour: 0, minute: 0, second: 0, microsecond: 0, weekday: this.weekday(), epochMs: this.epochMs });
  }

  replace(...args: unknown[]): PyDate {
    const [, kw] = kwargsOf(args);
    return new PyDate(Number(kw.year ?? this.year), Number(kw.month ?? this.month), Number(kw.day ?? this.day));
  }

  toordinal(): number {
    return Math.round(this.epochMs / MS_PER_DAY) + 719_163;
  }

  __add__(other: unknown): unknown {
    if (!(other instanceof PyTimedelta)) return undefined;
    const moved = new Date(this.epochMs + other.days * MS_PER_DAY);
    return new PyDate(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate());
  }

  __sub__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return this.__add__(new PyTimedelta(-other.days));
    if (other instanceof PyDate && !(other instanceof PyDateTime)) return new PyTimedelta((this.epochMs - other.epochMs) / MS_PER_DAY);
    return undefined;
  }

  valueOf(): number {
    return this.epochMs;
  }

  /** Numbers for comparisons, Python's str() when rendered or concatenated. */
  [Symbol.toPrimitive](hint: string): number | string {
    return hint === 'number' ? this.valueOf() : this.toString();
  }

  toString(): string {
    return this.isoformat();
  }
}

/** Python's `datetime`: wall-clock fields, naive or with a time zone. */
export class PyDateTime extends PyDate {
  constructor(
    year: number,
    month: number,
    day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
    readonly tzinfo: PyTimezone | null = null,
  ) {
    super(year, month, day);
  }

  /** The wall-clock time as if it were UTC, in ms. */
  protected override get epochMs(): number {
    return Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second) + Math.floor(this.microsecond / 1000);
  }

  /** The UTC instant in ms (naive datetimes are taken as UTC). */
  get instant(): number {
    if (!this.tzinfo) return this.epochMs;
    // The offset at the wall time, found in two steps (it may differ on each side of a DST change).
    const guess = this.epochMs - this.tzinfo.offsetAt(this.epochMs) * 60_000;
    return this.epochMs - this.tzinfo.offsetAt(guess) * 60_000;
  }

  /** A datetime from a UTC instant, in a zone (or naive UTC). */
  static fromInstant(instant: number, tz: PyTimezone | null, microsecond?: number): PyDateTime {
    const wall = new Date(instant + (tz ? tz.offsetAt(instant) * 60_000 : 0));
    const micros = microsecond ?? wall.getUTCMilliseconds() * 1000;
    return new PyDateTime(wall.getUTCFullYear(), wall.getUTCMonth() + 1, wall.getUTCDate(), wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(), micros, tz);
  }

  date(): PyDate {
    return new PyDate(this.year, this.month, this.day);
  }

  utcoffset(): PyTimedelta | null {
    return this.tzinfo ? new PyTimedelta(Object.assign({ minutes: this.tzinfo.offsetAt(this.instant) }, { __keywords: true })) : null;
  }

  astimezone(tz?: PyTimezone): PyDateTime {
    return PyDateTime.fromInstant(this.instant, tz ?? UTC, this.microsecond);
  }

  /** Python's `datetime.timestamp()`: POSIX seconds as a float (`1704067200.0`). */
  timestamp(): number | PyFloat {
    return pyFloat(this.instant / 1000 + (this.microsecond % 1000) / 1e6);
  }

  override replace(...args: unknown[]): PyDateTime {
    const [, kw] = kwargsOf(args);
    const get = (key: string, value: number) => Number(kw[key] ?? value);
    const tz = 'tzinfo' in kw ? ((kw.tzinfo as PyTimezone | null) ?? null) : this.tzinfo;
    return new PyDateTime(get('year', this.year), get('month', this.month), get('day', this.day), get('hour', this.hour), get('minute', this.minute), get('second', this.second), get('microsecond', this.microsecond), tz);
  }

  override isoformat(sep = 'T'): string {
    const fraction = this.microsecond ? `.${pad(this.microsecond, 6)}` : '';
    const offset = this.tzinfo ? formatOffset(this.tzinfo.offsetAt(this.instant), ':') : '';
    return `${super.isoformat()}${sep}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}${fraction}${offset}`;
  }

  override strftime(format: string): string {
    return strftime(format, { ...this.fields(), tz: this.tzinfo, instant: this.instant });
  }

  private fields(): StrftimeFields {
    return { year: this.year, month: this.month, day: this.day, hour: this.hour, minute: this.minute, second: this.second, microsecond: this.microsecond, weekday: this.weekday(), epochMs: this.epochMs };
  }

  override __add__(other: unknown): unknown {
    if (!(other instanceof PyTimedelta)) return undefined;
    const micros = this.microsecond + other.microseconds;
    const wall = this.epochMs - Math.floor(this.microsecond / 1000) + other.days * MS_PER_DAY + other.seconds * 1000 + Math.floor(micros / 1e6) * 1000;
    const moved = PyDateTime.fromInstant(wall, null, micros % 1e6);
    return moved.replace(Object.assign({ tzinfo: this.tzinfo }, { __keywords: true }));
  }

  override __sub__(other: unknown): unknown {
    if (other instanceof PyTimedelta) return this.__add__(new PyTimedelta(Object.assign({ microseconds: -other.totalMicros }, { __keywords: true })));
    if (other instanceof PyDateTime) {
      const micros = (this.instant - other.instant) * 1000 + (this.microsecond % 1000) - (other.microsecond % 1000);
      return new PyTimedelta(Object.assign({ microseconds: micros }, { __keywords: true }));
    }
    return undefined;
  }

  override valueOf(): number {
    return this.instant;
  }

  override toString(): string {
    return this.isoformat(' ');
  }
}

interface StrftimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  /** 0 = Monday. */
  weekday: number;
  epochMs: number;
  tz?: PyTimezone | null;
  instant?: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Python's `strftime` directives (C89 set plus `%f`, `%-d`-style no-padding). */
function strftime(format: string, f: StrftimeFields): string {
  const dayOfYear = Math.round((f.epochMs - Date.UTC(f.year, 0, 1)) / MS_PER_DAY) + 1;
  const weekNumber = (firstDay: number) => {
    const jan1 = (new Date(Date.UTC(f.year, 0, 1)).getUTCDay() + 6) % 7;
    const offset = (7 - ((jan1 - firstDay + 7) % 7)) % 7;
    return Math.floor((dayOfYear - 1 - offset + 7) / 7);
  };
  const hour12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  const table: Record<string, () => string> = {
    Y: () => pad(f.year, 4),
    y: () => pad(f.year % 100),
    m: () => pad(f.month),
    d: () => pad(f.day),
    H: () => pad(f.hour),
    I: () => pad(hour12),
    M: () => pad(f.minute),
    S: () => pad(f.second),
    f: () => pad(f.microsecond, 6),
    p: () => (f.hour < 12 ? 'AM' : 'PM'),
    A: () => DAYS[f.weekday],
    a: () => DAYS[f.weekday].slice(0, 3),
    B: () => MONTHS[f.month - 1],
    b: () => MONTHS[f.month - 1].slice(0, 3),
    h: () => MONTHS[f.month - 1].slice(0, 3),
    j: () => pad(dayOfYear, 3),
    w: () => String((f.weekday + 1) % 7),
    u: () => String(f.weekday + 1),
    U: () => pad(weekNumber(6)),
    W: () => pad(weekNumber(0)),
    z: () => (f.tz && f.instant !== undefined ? formatOffset(f.tz.offsetAt(f.instant), '') : ''),
    Z: () => (f.tz && f.instant !== undefined ? f.tz.nameAt(f.instant) : ''),
    F: () => `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`,
    T: () => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`,
    '%': () => '%',
  };
  return format.replace(/%(-?)([A-Za-z%])/g, (match, noPad: string, code: string) => {
    const render = table[code];
    if (!render) return match;
    const text = render();
    return noPad && /^\d+$/.test(text) ? String(Number(text)) : text;
  });
}

/** Python's `datetime.strptime` for the numeric directives and month/day names. */
function strptime(text: string, format: string): PyDateTime {
  const fields: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, f: 0 };
  let pm: boolean | undefined;
  let offsetMinutes: number | undefined;
  const names: string[] = [];
  const pattern = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([A-Za-z%])/g, (_match, code: string) => {
    names.push(code);
    switch (code) {
      case 'Y': return '(\\d{4})';
      case 'f': return '(\\d{1,6})';
      case 'B': case 'b': return '([A-Za-z]+)';
      case 'p': return '(AM|PM|am|pm)';
      case 'z': return '([+-]\\d{2}:?\\d{2}|Z)';
      case '%': names.pop(); return '%';
      default: return '(\\d{1,2})';
    }
  });
  const match = new RegExp(`^${pattern}$`).exec(text);
  if (!match) throw new CompilationError(`time data '${text}' does not match format '${format}'`);
  names.forEach((code, index) => {
    const value = match[index + 1];
    if (code === 'B' || code === 'b') fields.m = MONTHS.findIndex((month) => month.toLowerCase().startsWith(value.toLowerCase().slice(0, 3))) + 1;
    else if (code === 'p') pm = value.toUpperCase() === 'PM';
    else if (code === 'f') fields.f = Number(value.padEnd(6, '0'));
    else if (code === 'y') fields.Y = 2000 + Number(value) - (Number(value) >= 69 ? 100 : 0);
    else if (code === 'I') fields.H = Number(value);
    else if (code === 'z') offsetMinutes = value === 'Z' ? 0 : (value[0] === '-' ? -1 : 1) * (Number(value.slice(1, 3)) * 60 + Number(value.slice(-2)));
    else fields[code] = Number(value);
  });
  if (pm !== undefined) fields.H = (fields.H % 12) + (pm ? 12 : 0);
  const tz = offsetMinutes === undefined ? null : offsetMinutes === 0 ? UTC : new PyTimezone(formatOffset(offsetMinutes, ':'), offsetMinutes);
  return new PyDateTime(fields.Y, fields.m, fields.d, fields.H, fields.M, fields.S, fields.f, tz);
}

/** Python's `datetime.fromisoformat` for `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][+HH:MM|Z]`. */
function fromIsoFormat(text: string): PyDateTime {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(String(text).trim());
  if (!match) throw new CompilationError(`Invalid isoformat string: '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = match;
  let tz: PyTimezone | null = null;
  if (zone) {
    const minutes = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
    tz = minutes === 0 ? UTC : new PyTimezone(formatOffset(minutes, ':'), minutes);
  }
  return new PyDateTime(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), Number(frac.padEnd(6, '0')), tz);
}

/** UTC as a tzinfo (`datetime.timezone.utc`, `pytz.utc`). */
export const UTC = new PyTimezone('UTC');

/** A datetime for a JS Date, in UTC (tz-aware, as dbt's `run_started_at`). */
export function utcDateTime(date: Date): PyDateTime {
  return PyDateTime.fromInstant(date.getTime(), UTC);
}

const callable = <T extends object>(fn: (...args: unknown[]) => unknown, members: T): ((...args: unknown[]) => unknown) & T => callableWithMembers(Object.assign(fn, members));

/** `modules.datetime`: the classes are callable constructors with Python's class methods attached. */
export const datetimeModule = {
  datetime: callable((...args: unknown[]) => {
    const [p, kw] = kwargsOf(args);
    const n = (i: number, key: string, fallback = 0) => Number(kw[key] ?? p[i] ?? fallback);
    return new PyDateTime(n(0, 'year'), n(1, 'month'), n(2, 'day'), n(3, 'hour'), n(4, 'minute'), n(5, 'second'), n(6, 'microsecond'), ((kw.tzinfo ?? p[7]) as PyTimezone | undefined) ?? null);
  }, {
    now: (tz?: PyTimezone) => (tz instanceof PyTimezone ? PyDateTime.fromInstant(Date.now(), tz) : PyDateTime.fromInstant(Date.now() - new Date().getTimezoneOffset() * 60_000, null)),
    utcnow: () => PyDateTime.fromInstant(Date.now(), null),
    today: () => PyDateTime.fromInstant(Date.now() - new Date().getTimezoneOffset() * 60_000, null),
    strptime: (text: string, format: string) => strptime(String(text), String(format)),
    fromisoformat: (text: string) => fromIsoFormat(text),
    fromtimestamp: (seconds: number, tz?: PyTimezone) => PyDateTime.fromInstant(seconds * 1000, tz instanceof PyTimezone ? tz : null),
    utcfromtimestamp: (seconds: number) => PyDateTime.fromInstant(seconds * 1000, null),
    combine: (day: PyDate, time?: { hour?: number; minute?: number; second?: number }) => new PyDateTime(day.year, day.month, day.day, time?.hour ?? 0, time?.minute ?? 0, time?.second ?? 0),
  }),
  date: callable((...args: unknown[]) => {
    const [p, kw] = kwargsOf(args);
    return new PyDate(Number(kw.year ?? p[0]), Number(kw.month ?? p[1]), Number(kw.day ?? p[2]));
  }, {
    today: () => {
      const now = new Date();
      return new PyDate(now.getFullYear(), now.getMonth() + 1, now.getDate());
    },
    fromisoformat: (text: string) => fromIsoFormat(text).date(),
    fromordinal: (ordinal: number) => {
      const day = new Date((ordinal - 719_163) * MS_PER_DAY);
      return new PyDate(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate());
    },
  }),
  timedelta: (...args: unknown[]) => new PyTimedelta(...args),
  timezone: callable((...args: unknown[]) => new PyTimezone(formatOffset((args[0] as PyTimedelta).totalMicros / 60e6, ':'), (args[0] as PyTimedelta).totalMicros / 60e6), { utc: UTC }),
  MINYEAR: 1,
  MAXYEAR: 9999,
};

/** `modules.pytz`: `timezone(name)`, `utc`, `UTC`. */
export const pytzModule = {
  timezone: (name: string) => (name === 'UTC' ? UTC : new PyTimezone(String(name))),
  utc: UTC,
  UTC,
};
