/**
 * Province normalisation to GB/T 2260 provincial-level divisions (domain.md §7).
 *
 * Exports mix full names, short names, wrong suffixes (广西省), codes, and whole addresses, so the
 * province is recognised by its short name at the START of the text, then the text that follows is
 * checked so that a place that merely begins with a province name (海南藏族自治州 in 青海,
 * 河南蒙古族自治县, 海南区 in 内蒙古, 北京路) is not taken for that province.
 * `null` is the unknown bucket (海外, 其他, "-", garbage).
 */

export interface Province {
  /** 6-digit GB/T 2260 code as a string, e.g. "440000". */
  code: string;
  name: string;
  short: string;
}

function province(code: string, name: string, short: string): Province {
  return Object.freeze({code, name, short});
}

export const PROVINCES: readonly Province[] = Object.freeze([
  province("110000", "北京市", "北京"),
  province("120000", "天津市", "天津"),
  province("130000", "河北省", "河北"),
  province("140000", "山西省", "山西"),
  province("150000", "内蒙古自治区", "内蒙古"),
  province("210000", "辽宁省", "辽宁"),
  province("220000", "吉林省", "吉林"),
  province("230000", "黑龙江省", "黑龙江"),
  province("310000", "上海市", "上海"),
  province("320000", "江苏省", "江苏"),
  province("330000", "浙江省", "浙江"),
  province("340000", "安徽省", "安徽"),
  province("350000", "福建省", "福建"),
  province("360000", "江西省", "江西"),
  province("370000", "山东省", "山东"),
  province("410000", "河南省", "河南"),
  province("420000", "湖北省", "湖北"),
  province("430000", "湖南省", "湖南"),
  province("440000", "广东省", "广东"),
  province("450000", "广西壮族自治区", "广西"),
  province("460000", "海南省", "海南"),
  province("500000", "重庆市", "重庆"),
  province("510000", "四川省", "四川"),
  province("520000", "贵州省", "贵州"),
  province("530000", "云南省", "云南"),
  province("540000", "西藏自治区", "西藏"),
  province("610000", "陕西省", "陕西"),
  province("620000", "甘肃省", "甘肃"),
  province("630000", "青海省", "青海"),
  province("640000", "宁夏回族自治区", "宁夏"),
  province("650000", "新疆维吾尔自治区", "新疆"),
  province("710000", "台湾省", "台湾"),
  province("810000", "香港特别行政区", "香港"),
  province("820000", "澳门特别行政区", "澳门"),
]);

const BY_PREFIX: ReadonlyMap<string, Province> = new Map([
  ...PROVINCES.map((p): [string, Province] => [p.code.slice(0, 2), p]),
  // One file used 830000 for 台湾 (domain.md §7); GB/T 2260 says 710000.
  ["83", byCode("710000")],
]);

// Short names cover full names too, since every full name starts with its short name.
const NAME_KEYS: readonly (readonly [string, Province])[] = (
  [
    ...PROVINCES.map((p): [string, Province] => [p.short, p]),
    ["内蒙", byCode("150000")],
    ["台灣", byCode("710000")],
    ["臺灣", byCode("710000")],
    ["澳門", byCode("820000")],
  ] satisfies [string, Province][]
).sort((a, b) => b[0].length - a[0].length);

// Anything may follow one of these (the rest of an address); 省 after 广西/新疆 is a known mistake.
const NAME_SUFFIXES: readonly string[] = [
  "维吾尔族自治区",
  "维吾尔自治区",
  "壮族自治区",
  "回族自治区",
  "特别行政区",
  "维吾尔族",
  "自治区",
  "维吾尔",
  "壮族",
  "回族",
  "特区",
  "省",
  "市",
];
// Directly after a bare short name, these start a different place: 北京路, 河南县, 海南区, 海南州.
// (Not 镇 or 道: 江苏镇江市, 黑龙江道里区 are genuine.)
const NOT_A_PROVINCE_NEXT = /^[路街巷弄村乡县区州]/;
// 海南藏族自治州 (青海), 河南蒙古族自治县 (青海): an ethnic unit named after a place that shares the
// province's name. Only an ethnic name RIGHT after the short name is a trap; 云南大理白族自治州 is fine.
const ETHNIC_UNIT_NEXT = /^(?:蒙古|土家|哈萨克|柯尔克孜|朝鲜|撒拉|布依|藏|苗|彝|满|侗|瑶|白|傣|黎|羌|土)族/;
const COUNTRY_PREFIX = /^(?:中华人民共和国|中國|中国)[·・\-_/]?/;

export function normalizeProvince(raw: string | null | undefined): Province | null {
  if (typeof raw !== "string") return null;
  const s = raw.normalize("NFKC").replace(/\s+/g, "").replace(COUNTRY_PREFIX, "");
  if (s.length === 0) return null;
  if (/^\d+$/.test(s)) return fromCode(s);
  for (const [key, p] of NAME_KEYS) {
    if (s.startsWith(key) && continuesAsProvince(s.slice(key.length))) return p;
  }
  return null;
}

// Only province-level codes: a city code ("440300") or an arbitrary 6-digit number ("123456")
// must not be guessed into a province by its first two digits.
function fromCode(digits: string): Province | null {
  if (digits.length !== 2 && !/^\d{2}0000$/.test(digits)) return null;
  return BY_PREFIX.get(digits.slice(0, 2)) ?? null;
}

function continuesAsProvince(rest: string): boolean {
  if (rest.length === 0) return true;
  if (NAME_SUFFIXES.some((suffix) => rest.startsWith(suffix))) return true;
  return !NOT_A_PROVINCE_NEXT.test(rest) && !ETHNIC_UNIT_NEXT.test(rest);
}

function byCode(code: string): Province {
  const found = PROVINCES.find((p) => p.code === code);
  if (!found) throw new Error(`unknown province code ${code}`);
  return found;
}
