import { prettyBody } from "./prettyBody";

describe("pretty-printing a trace body", () => {
  it("indents a JSON object, keeping unicode and the redaction marks readable", () => {
    const body = '{"errors":[{"code":"InvalidInput","message":"价格无效"}],"token":"[REDACTED]"}';

    const pretty = prettyBody(body);

    expect(pretty.json).toBe(true);
    expect(pretty.text).toBe(
      [
        "{",
        '  "errors": [',
        "    {",
        '      "code": "InvalidInput",',
        '      "message": "价格无效"',
        "    }",
        "  ],",
        '  "token": "[REDACTED]"',
        "}",
      ].join("\n"),
    );
  });

  it("indents a JSON array with surrounding whitespace", () => {
    expect(prettyBody("  [1, 2]\n")).toEqual({ text: "[\n  1,\n  2\n]", json: true });
  });

  it("leaves a body that only looks like JSON (cut off) exactly as stored", () => {
    const truncated = '{"items":[{"sku":"A-1"';
    expect(prettyBody(truncated)).toEqual({ text: truncated, json: false });
  });

  it("leaves XML, form data and empty bodies alone", () => {
    expect(prettyBody("<ErrorResponse><Code>Throttled</Code></ErrorResponse>").json).toBe(false);
    expect(prettyBody("sku=A-1&price=9.99")).toEqual({ text: "sku=A-1&price=9.99", json: false });
    expect(prettyBody("")).toEqual({ text: "", json: false });
  });

  it("does not turn a bare number or string into JSON", () => {
    expect(prettyBody("404").json).toBe(false);
    expect(prettyBody('"ok"').json).toBe(false);
  });
});
