import {describe, expect, test} from "vitest";
import {methodOf, sign, signString, sortedJson} from "../../src/pipelines/api/sign.js";
import {parseLossless} from "../../src/pipelines/api/json.js";

describe("signing (domain.md §2.1)", () => {
  const vector = {
    appKey: "1234567890123456789",
    appSecret: "test_secret_abc",
    method: "afterSale.List",
    timestamp: "1736300000",
    paramJson: sortedJson({start_time: 1735660800, size: 20, page: 0, end_time: 1736265600}),
  };

  test("the test vector: param_json with sorted keys", () => {
    expect(vector.paramJson).toBe('{"end_time":1736265600,"page":0,"size":20,"start_time":1735660800}');
  });

  test("the test vector: hmac-sha256", () => {
    expect(sign(vector)).toBe("331c862da3290d0e6e7cddc389e1dfd2d4fa262c6cdec3aea6eac99ae4266e11");
    expect(sign(vector, "hmac-sha256")).toBe(
      "331c862da3290d0e6e7cddc389e1dfd2d4fa262c6cdec3aea6eac99ae4266e11",
    );
  });

  test("the test vector: md5 (legacy apps)", () => {
    expect(sign(vector, "md5")).toBe("1c7e86ffe60d3f475fedf6789d93e1b3");
  });

  test("the signed string: secret, app_key, method, param_json, timestamp, v2, secret", () => {
    expect(signString(vector)).toBe(
      "test_secret_abcapp_key1234567890123456789methodafterSale.List" +
        'param_json{"end_time":1736265600,"page":0,"size":20,"start_time":1735660800}' +
        "timestamp1736300000v2test_secret_abc",
    );
  });

  test("method from the URL path", () => {
    expect(methodOf("/afterSale/List")).toBe("afterSale.List");
    expect(methodOf("/order/searchList")).toBe("order.searchList");
    expect(methodOf("token/create")).toBe("token.create");
  });

  test("param_json: keys sorted at every depth, compact, no HTML or Unicode escaping, empty = {}", () => {
    expect(sortedJson({})).toBe("{}");
    expect(sortedJson({b: {y: 1, x: [{d: 1, c: 2}]}, a: "<颜色&尺码>"})).toBe(
      '{"a":"<颜色&尺码>","b":{"x":[{"c":2,"d":1}],"y":1}}',
    );
    expect(sortedJson({skip: undefined, flag: true, none: null})).toBe('{"flag":true,"none":null}');
  });

  test("param_json keeps 19-digit IDs digit for digit (bigint and lossless numbers)", () => {
    const parsed = parseLossless('{"id":6965315853751632172}');
    expect(sortedJson(parsed)).toBe('{"id":6965315853751632172}');
    expect(sortedJson({id: 6965315853751632172n})).toBe('{"id":6965315853751632172}');
    expect(() => sortedJson({x: Number.NaN})).toThrow(/non-finite/);
  });
});
