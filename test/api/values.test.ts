import {describe, expect, test} from "vitest";
import {LosslessNumber} from "lossless-json";
import {
  asObject,
  idText,
  parseLossless,
  safeInteger,
  stringifyLossless,
} from "../../src/pipelines/api/json.js";
import {beijingMidnight, beijingTime, fenToYuan} from "../../src/pipelines/api/values.js";

describe("分 → 元, exact", () => {
  test.each([
    [129900, "1299.00"],
    [1, "0.01"],
    [10, "0.10"],
    [0, "0.00"],
    [-5, "-0.05"],
    [-129901, "-1299.01"],
    ["0099", "0.99"],
    ["12.0", "0.12"],
  ])("%s → %s", (fen, yuan) => expect(fenToYuan(fen)).toBe(yuan));

  test("no float arithmetic: amounts beyond 2^53 分 and the classic 0.1 + 0.2 cases stay exact", () => {
    expect(fenToYuan(new LosslessNumber("123456789012345678901"))).toBe("1234567890123456789.01");
    expect(fenToYuan(new LosslessNumber("30"))).toBe("0.30");
    expect(fenToYuan(new LosslessNumber("-0"))).toBe("0.00");
    expect(fenToYuan(null)).toBeNull();
    expect(() => fenToYuan("12.5")).toThrow(/whole number/);
  });
});

describe("Unix seconds → Beijing wall-clock", () => {
  test("the example of domain.md §2.4: 1735660800 = 2025-01-01 00:00 +08:00", () => {
    expect(beijingTime(1735660800)).toBe("2025-01-01 00:00:00");
    expect(beijingTime(new LosslessNumber("1736265599"))).toBe("2025-01-07 23:59:59");
  });

  test("0 and absent are no time; milliseconds are recognised", () => {
    expect(beijingTime(0)).toBeNull();
    expect(beijingTime(null)).toBeNull();
    expect(beijingTime(1735660800123)).toBe("2025-01-01 00:00:00");
  });

  test("independent of the process time zone", () => {
    expect(process.env.TZ).toBe("UTC");
    expect(beijingMidnight("2026-11-05")).toBe(Date.UTC(2026, 10, 4, 16) / 1000);
    expect(() => beijingMidnight("2026-02-30")).toThrow(/calendar/);
  });
});

describe("lossless JSON", () => {
  test("19-digit IDs beyond 2^53 come out exact, as strings", () => {
    const body = asObject(
      parseLossless('{"a":7000000000000000001,"b":"6900000000000000011","c":9007199254740993}'),
    )!;
    expect(idText(body.a)).toBe("7000000000000000001");
    expect(idText(body.b)).toBe("6900000000000000011");
    expect(idText(body.c)).toBe("9007199254740993");
    expect(JSON.parse('{"c":9007199254740993}').c).toBe(9007199254740992); // what JSON.parse would do
    expect(stringifyLossless(body)).toBe(
      '{"a":7000000000000000001,"b":"6900000000000000011","c":9007199254740993}',
    );
  });

  test("counts and times only as safe integers; IDs of 0 mean none", () => {
    expect(safeInteger(new LosslessNumber("1736300000"))).toBe(1736300000);
    expect(() => safeInteger(new LosslessNumber("7000000000000000001"))).toThrow(/too large/);
    expect(idText(new LosslessNumber("0"))).toBeNull();
    expect(() => idText("6.9E+18")).toThrow(/not an ID/);
  });
});
