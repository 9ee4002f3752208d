import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import zh from "../../messages/zh-CN.json";
import { localizeMessage, vmsg } from "./validation";

describe("validation message codes", () => {
  it("become words in each language, with their parameters", () => {
    expect(localizeMessage(vmsg("tooLong", { max: 64 }), "en")).toEqual({ code: "tooLong", message: "is longer than 64 characters" });
    expect(localizeMessage(vmsg("duplicateLine", { line: 7 }), "zh-CN").message).toBe("与第 7 行的身份证号重复");
  });
  it("pass text that is not a code through unchanged", () => {
    expect(localizeMessage("Invalid input: expected string", "zh-CN")).toEqual({ code: null, message: "Invalid input: expected string" });
  });
  it("exist in both languages, and every message key does", () => {
    const keys = (o: object, prefix = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
    expect(keys(zh).sort()).toEqual(keys(en).sort());
  });
});
