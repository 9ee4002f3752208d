import { describe, expect, it } from "vitest";
import { passwordProblems } from "./password-policy";

const who = { email: "wang.fang@hrss.example", username: "wang.fang@hrss.example", name: "王芳" };

describe("password policy (NIST SP 800-63B)", () => {
  it("needs 12 characters, counted as characters, not bytes", () => {
    expect(passwordProblems("short-pw-11", who)).toEqual(["passwordShort|{\"min\":12}"]);
    expect(passwordProblems("长城长城长城长城长城长城", {})).toEqual([]);
  });

  it("has no composition rules: a long lower-case passphrase is fine", () => {
    expect(passwordProblems("correct horse battery staple", who)).toEqual([]);
  });

  it("refuses common and breached passwords, also padded with digits", () => {
    expect(passwordProblems("123456789012", {})).toContain("passwordCommon");
    expect(passwordProblems("1q2w3e4r5t6y", {})).toContain("passwordCommon");
    expect(passwordProblems("qwertyuiopasdf", {})).toContain("passwordCommon");
    expect(passwordProblems("password123456", {})).toContain("passwordCommon");
    expect(passwordProblems("iloveyou2026!!", {})).toContain("passwordCommon");
    expect(passwordProblems("aaaaaaaaaaaaaaa", {})).toContain("passwordCommon");
  });

  it("refuses a password that contains the email, its local part, the username or the name", () => {
    expect(passwordProblems("wang.fang@hrss.example!", who)).toContain("passwordPersonal");
    expect(passwordProblems("my-WangFang-secret", who)).toContain("passwordPersonal");
    expect(passwordProblems("王芳的退休金密码2026", who)).toContain("passwordPersonal");
  });

  it("caps the length", () => {
    expect(passwordProblems("x".repeat(129) + "yz", {})).toEqual(["tooLong|{\"max\":128}"]);
  });
});
