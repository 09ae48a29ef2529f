// The one grading rule (DESIGN §7a) in plain JS, for the offline practice page.
// Every function mirrors one in quizgen/explain/answers.py (or the drill, quizgen/drill/session.py),
// named in its comment; tests/test_practice_grade.py holds the two to the same results.
// Exact arithmetic: a rational is {n: BigInt, d: BigInt}, d > 0, reduced; a shape is an array of BigInt.
const QuizgenGrade = (() => {
  "use strict";
  const MIN_FIGURES = 3;
  const MAX_LENGTH = 1000; // characters (code points, as Python counts them)
  const tooLong = (text) => text.length > MAX_LENGTH && [...text].length > MAX_LENGTH;
  const SUFFIX = { k: 3n, m: 6n, g: 9n, b: 9n, t: 12n }; // powers of ten
  // Python's str.isspace() (and its regex \s): JS's own \s and trim() differ (U+FEFF, U+001C-U+001F, U+0085).
  const WS = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  const STRIP = new RegExp(`^[${WS}]+|[${WS}]+$`, "g");
  const SHAPE_SPLIT = new RegExp(`[${WS}]*[xX×*,][${WS}]*`);
  const NUMBER = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:e([+-]?\d+))?([kmgbt])?$/iu;
  const GROUPED = /^([+-]?\d{1,3}(?:[, ]\d{3})+)((?:\.\d*)?(?:e[+-]?\d+)?[kmgbt]?)$/i; // _GROUPED

  // --- exact rationals -------------------------------------------------------------------------
  const abs = (n) => (n < 0n ? -n : n);
  const gcd = (a, b) => {
    while (b) [a, b] = [b, a % b];
    return a;
  };
  const rat = (n, d = 1n) => {
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(abs(n), d);
    return { n: n / g, d: d / g };
  };
  const sub = (a, b) => rat(a.n * b.d - b.n * a.d, a.d * b.d);
  const mul = (a, b) => rat(a.n * b.n, a.d * b.d);
  const div = (a, b) => rat(a.n * b.d, a.d * b.n);
  const eq = (a, b) => a.n === b.n && a.d === b.d;
  const pow10 = (k) => (k >= 0 ? rat(10n ** BigInt(k)) : rat(1n, 10n ** BigInt(-k)));
  const floorDiv = (a, b) => (a >= 0n ? a / b : -((-a + b - 1n) / b)); // b > 0
  const isInteger = (r) => r.d === 1n;
  // 2|x - y| <= unit: y is within half a unit of x
  const withinHalf = (x, y, unit) => {
    const diff = sub(x, y);
    return 2n * abs(diff.n) * unit.d <= unit.n * diff.d;
  };

  // Any Unicode decimal digit ("３", "٣") as its ASCII digit: Python's _ascii_digits.
  // Decimal digits come in runs of ten from 0, so a digit's value is its offset in its run, mod 10.
  const asciiDigits = (text) =>
    text.replace(/\p{Nd}/gu, (c) => {
      let cp = c.codePointAt(0);
      let run = 0;
      while (/\p{Nd}/u.test(String.fromCodePoint(cp - 1))) cp--, run++;
      return String(run % 10);
    });
  // str.strip(): the drill strips an answer so, before it checks for a letter, "?" or "q".
  const pyStrip = (s) => s.replace(STRIP, "");

  // --- reading ---------------------------------------------------------------------------------
  // parse_number: {value, unit, figures} (unit null when read as exact), or null.
  function readNumber(text) {
    if (tooLong(text)) return null;
    let t = pyStrip(asciiDigits(text)).replaceAll("_", "");
    const grouped = GROUPED.exec(t);
    if (grouped) t = grouped[1].replace(/[, ]/g, "") + grouped[2];
    const slash = t.indexOf("/");
    if (slash >= 0) {
      const top = t.slice(0, slash), bottom = t.slice(slash + 1);
      const a = readNumber(top), b = readNumber(bottom);
      if (a === null || b === null || b.value.n === 0n || hasSuffix(top) || hasSuffix(bottom)) return null;
      return { value: div(a.value, b.value), unit: null, figures: 0 };
    }
    const m = NUMBER.exec(t);
    if (!m) return null;
    const [, sign, digits, exp, suffix] = m;
    const power = exp ? BigInt(exp) : 0n;
    if (abs(power) > 400n) return null; // beyond any count, as in Python
    const shift = Number(power) + Number(suffix ? SUFFIX[suffix.toLowerCase()] : 0n);
    const [whole, frac = ""] = digits.split(".");
    const decimals = frac.length;
    let value = mul(rat(BigInt((whole + frac) || "0"), 10n ** BigInt(decimals)), pow10(shift));
    if (sign === "-") value = rat(-value.n, value.d);
    if (!exp && !suffix) return { value, unit: null, figures: 0 };
    const figures = (whole + frac).replace(/^0+/, "").length;
    return { value, unit: pow10(shift - decimals), figures };
  }

  // _has_suffix
  const hasSuffix = (text) => {
    const m = NUMBER.exec(pyStrip(text));
    return Boolean(m && m[4]);
  };

  // parse_shape: an array of two or more sizes, or null; a whole size is a BigInt, one with a decimal
  // part (60.5: the floor forgotten) a rational, so that it is read and judged wrong.
  function readShape(text) {
    if (tooLong(text)) return null;
    const t = pyStrip(pyStrip(asciiDigits(text)).replace(/^[()[\]]+|[()[\]]+$/g, ""));
    const parts = t.split(SHAPE_SPLIT).filter((p) => p);
    if (parts.length < 2 || !parts.every((p) => /^[0-9]+(\.[0-9]+)?$/.test(p))) return null;
    return parts.map((p) => size(readNumber(p).value));
  }
  // _size: a whole size as a BigInt, else the rational.
  const size = (r) => (isInteger(r) ? r.n : r);
  // Two sizes equal: both whole (BigInt) or both the same fraction.
  const sameSize = (a, b) => (typeof a === "bigint" || typeof b === "bigint" ? a === b : eq(a, b));
  // str() of a size: "60", "121/2"
  const sizeText = (v) => (typeof v === "bigint" ? v.toString() : `${v.n}/${v.d}`);

  // parse_value: a number first, then a shape; a shape first when the answer is one (shapeFirst).
  const readValue = (text, shapeFirst = false) =>
    (shapeFirst ? readShape(text) : null) ?? readNumber(text) ?? readShape(text);
  // wants_shape
  const wantsShape = (correct) => Array.isArray(correct) && correct.length > 1;

  // The reverse of exact_text: "34944", "27/2" -> rational; "55,55,96", "10,", "121/2,128" -> shape.
  function parseExact(s) {
    if (s.includes(",")) return s.split(",").filter((p) => p !== "").map((p) => size(parseExact(p)));
    const [n, d = "1"] = s.split("/");
    return rat(BigInt(n), BigInt(d));
  }

  // --- judging ---------------------------------------------------------------------------------
  // judge_value: "exact", "rounded" or "wrong".
  function judgeValue(value, correct) {
    if (Array.isArray(correct)) {
      if (!Array.isArray(value)) return correct.length === 1 && eq(value.value, rat(correct[0])) ? "exact" : "wrong";
      return value.length === correct.length && value.every((v, i) => sameSize(v, correct[i])) ? "exact" : "wrong";
    }
    if (Array.isArray(value)) return "wrong";
    if (eq(value.value, correct)) return "exact";
    if (value.unit === null || value.value.n === 0n || value.figures < MIN_FIGURES) return "wrong";
    return withinHalf(correct, value.value, value.unit) ? "rounded" : "wrong";
  }

  // judge: adds "unreadable".
  function judge(text, correct) {
    const value = readValue(text, wantsShape(correct));
    return value === null ? "unreadable" : judgeValue(value, correct);
  }

  // too_coarse: a correct rounding with fewer than 3 significant figures ("35k" for 34,944).
  function tooCoarse(value, correct) {
    if (Array.isArray(value) || value.unit === null || value.value.n === 0n || Array.isArray(correct)) return false;
    return value.figures < MIN_FIGURES && withinHalf(correct, value.value, value.unit);
  }

  // truncated: the right value cut off at the last figure written instead of rounded (460.9k for 460,992).
  function truncated(value, correct) {
    if (Array.isArray(value) || value.unit === null || value.figures < MIN_FIGURES) return false;
    if (Array.isArray(correct) || correct.n <= 0n || value.value.n <= 0n) return false;
    const q = div(correct, value.unit), cut = mul(rat(floorDiv(q.n, q.d)), value.unit), rest = sub(correct, value.value);
    return eq(cut, value.value) && 2n * rest.n * value.unit.d > value.unit.n * rest.d;
  }

  // rounded_in_full: "3.49e4" for 34,900 written out in full for 34,944, else null.
  function roundedInFull(value, correct) {
    if (Array.isArray(value) || value.unit !== null || Array.isArray(correct)) return null;
    const v = value.value;
    if (!isInteger(v) || v.n <= 0n || eq(v, correct)) return null;
    const digits = v.n.toString();
    const figures = digits.replace(/0+$/, "").length;
    const unit = pow10(digits.length - figures);
    if (eq(unit, rat(1n)) || figures < MIN_FIGURES || !withinHalf(correct, v, unit)) return null;
    return `${digits[0]}.${digits.slice(1, figures)}e${digits.length - 1}`;
  }

  // rounded_text's N: the significant figures written (0 for a shape or an exact notation).
  const figures = (value) => (Array.isArray(value) ? 0 : value.figures);

  // --- lookup keys -----------------------------------------------------------------------------
  // canon: a terminating decimal as "MeK" (34900 -> "349e2", 0.5 -> "5e-1", zero -> "0").
  function canon(v) {
    if (v.n === 0n) return "0";
    let m = abs(v.n), d = v.d, k = 0;
    while (d !== 1n) {
      m *= 10n;
      k -= 1;
      const g = gcd(m, d);
      [m, d] = [m / g, d / g];
      if (k < -1000) throw new Error("not a terminating decimal");
    }
    while (m % 10n === 0n) m /= 10n, k += 1;
    return `${v.n < 0n ? "-" : ""}${m}e${k}`;
  }

  // magnitude: e with 10**e <= |v| < 10**(e+1).
  function magnitude(v) {
    const a = rat(abs(v.n), v.d);
    const e = a.n.toString().length - a.d.toString().length;
    const power = pow10(e);
    return a.n * power.d < power.n * a.d ? e - 1 : e;
  }

  // rounded_at: x rounded at the place 10**k; both neighbours at an exact half.
  function roundedAt(x, k) {
    const unit = pow10(k), q = div(x, unit), low = floorDiv(q.n, q.d), twice = 2n * (q.n - low * q.d);
    if (twice < q.d) return [mul(rat(low), unit)];
    if (twice > q.d) return [mul(rat(low + 1n), unit)];
    return [mul(rat(low), unit), mul(rat(low + 1n), unit)];
  }

  // _near
  function near(x) {
    if (x.n === 0n) return [x];
    const e = magnitude(x), found = roundedAt(x, e - 2), top = pow10(e + 1);
    for (const y of roundedAt(x, e - 1))
      if (eq(rat(abs(y.n), y.d), top) && !found.some((z) => eq(z, y))) found.push(y);
    return found;
  }

  const sortedUnique = (keys) => [...new Set(keys)].sort();
  const shapeKey = (shape) => "s:" + shape.map(sizeText).join(",");

  // near_keys
  function nearKeys(correct) {
    if (Array.isArray(correct)) {
      if (correct.length !== 1) return [shapeKey(correct)];
      correct = rat(correct[0]);
    }
    return sortedUnique(near(correct).map((y) => "n:" + canon(y)));
  }

  // coarse_keys
  function coarseKeys(correct) {
    if (Array.isArray(correct) || correct.n === 0n) return [];
    const e = magnitude(correct), keys = [];
    for (const k of [e - 1, e, e + 1])
      for (const y of roundedAt(correct, k)) {
        const size = abs(div(y, pow10(k)).n).toString().length;
        if (y.n !== 0n && size <= 2) keys.push(`c:${canon(y)}@${k}`);
      }
    return sortedUnique(keys);
  }

  // _near_of_answer
  const nearOfAnswer = (v) => (v.n === 0n ? [v] : roundedAt(v, magnitude(v) - 2));

  // answer_keys
  function answerKeys(value) {
    if (Array.isArray(value)) {
      return value.length === 1 ? nearOfAnswer(rat(value[0])).map((y) => "n:" + canon(y)) : [shapeKey(value)];
    }
    const keys = nearOfAnswer(value.value).map((y) => "n:" + canon(y));
    if (value.unit !== null && value.value.n !== 0n && value.figures > 0 && value.figures < MIN_FIGURES)
      keys.push(`c:${canon(value.value)}@${magnitude(value.unit)}`);
    return keys;
  }

  // --- the drill's reading and checks (quizgen/drill/session.py) ----------------------------------
  // Drill.read_value without choices: rank 0 wants a number, rank n >= 1 a shape of n sizes.
  function readAnswer(text, rank) {
    const value = readValue(text, rank > 1);
    if (rank === 1 && value !== null && !Array.isArray(value) && isInteger(value.value)) return [value.value.n];
    return value;
  }

  // Drill.ask_part's two checks before judging; each costs nothing.
  function precheck(value, rank, hasChoices) {
    if (rank > 1 && (!Array.isArray(value) || value.length !== rank)) return "whole-shape";
    if (rank === 0 && Array.isArray(value) && !hasChoices) return "one-number";
    return null;
  }

  // --- display ---------------------------------------------------------------------------------
  // num: f"{n:,}"
  const num = (n) => (n < 0n ? "-" : "") + abs(n).toString().replace(/\B(?=(\d{3})+$)/g, ",");
  const bitLength = (n) => n.toString(2).length;

  // float(Fraction): the nearest double, ties to even, as an exact rational; null where Python overflows.
  function nearestDouble(r) {
    if (r.n === 0n) return r;
    const n = abs(r.n), d = r.d;
    let e = bitLength(n) - bitLength(d) - 53;
    const quotient = (e) => (e >= 0 ? [n, d << BigInt(e)] : [n << BigInt(-e), d]);
    while (quotient(e)[0] / quotient(e)[1] >= 1n << 53n) e++;
    while (quotient(e)[0] / quotient(e)[1] < 1n << 52n) e--;
    if (e < -1074) e = -1074; // subnormal
    const [a, b] = quotient(e);
    let q = a / b;
    const twice = 2n * (a - q * b);
    if (twice > b || (twice === b && q % 2n === 1n)) q++;
    if (q !== 0n && bitLength(q) + e > 1024) return null;
    const sign = r.n < 0n ? -1n : 1n;
    return e >= 0 ? rat(sign * (q << BigInt(e))) : rat(sign * q, 1n << BigInt(-e));
  }

  // f"{float(r):g}": 6 significant digits (ties to even on the double), exponent form when
  // the exponent is < -4 or >= 6, trailing zeros dropped, exponent signed with 2 digits at least.
  function fmtG(r) {
    const x = nearestDouble(r);
    if (x === null) return r.n < 0n ? "-inf" : "inf"; // Python raises OverflowError instead
    if (x.n === 0n) return r.n < 0n ? "-0" : "0";
    const a = rat(abs(x.n), x.d);
    let e = magnitude(a);
    const q = div(a, pow10(e - 5));
    let m = q.n / q.d;
    const twice = 2n * (q.n - m * q.d);
    if (twice > q.d || (twice === q.d && m % 2n === 1n)) m++;
    if (m === 1000000n) (m = 100000n), e++;
    const digits = m.toString(), sign = x.n < 0n ? "-" : "";
    const join = (whole, frac) => ((frac = frac.replace(/0+$/, "")) ? `${whole}.${frac}` : whole);
    if (e < -4 || e >= 6) {
      const exp = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
      return `${sign}${join(digits[0], digits.slice(1))}e${exp}`;
    }
    if (e >= 0) return sign + join(digits.slice(0, e + 1), digits.slice(e + 1));
    return sign + join("0", "0".repeat(-e - 1) + digits);
  }

  // fmt_value (quizgen/problems/problem.py): "34,944", "55 × 55 × 96", a fraction as %g (a size too).
  function fmtValue(correct) {
    if (Array.isArray(correct))
      return correct.length === 1
        ? num(correct[0])
        : correct.map((v) => (typeof v === "bigint" ? v.toString() : fmtG(v))).join(" × ");
    return isInteger(correct) ? num(correct.n) : fmtG(correct);
  }

  // _show (the drill): as typed when written in a rounding notation (322M); else a read number as an
  // integer with separators or as %g; a shape as fmt_value.
  function show(value, typed = "") {
    if (Array.isArray(value)) return fmtValue(value);
    if (value.unit !== null && typed) return typed;
    return isInteger(value.value) ? num(value.value.n) : fmtG(value.value);
  }

  return {
    MIN_FIGURES,
    strip: pyStrip,
    readNumber,
    readShape,
    readValue,
    parseExact,
    judgeValue,
    judge,
    tooCoarse,
    roundedInFull,
    truncated,
    figures,
    canon,
    magnitude,
    roundedAt,
    nearKeys,
    coarseKeys,
    answerKeys,
    readAnswer,
    precheck,
    fmtValue,
    show,
  };
})();
if (typeof window !== "undefined") window.QuizgenGrade = QuizgenGrade;
