import { describe, expect, it } from "vitest";
import { checkCharacter } from "./national-id";
import { ZPensionerInput } from "./pensioner";

const first17 = "52010219450315001";
const id = first17 + checkCharacter(first17);
const valid = {
  nationalId: id, name: "王芳", sex: "male", birthDate: "1945-03-15", regionCode: "520102", address: "", phone: "13800000000",
  scheme: "enterprise", monthlyPensionFen: 320000, enrolledOn: "2001-01-01",
};

const paths = (input: unknown) => {
  const r = ZPensionerInput.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
};

describe("pensioner validation", () => {
  it("accepts a valid pensioner and defaults the payment status", () => {
    const r = ZPensionerInput.parse(valid);
    expect(r.paymentStatus).toBe("active");
  });
  it("requires the birth date to agree with the ID number", () => {
    expect(paths({ ...valid, birthDate: "1945-03-16" })).toEqual(["birthDate"]);
  });
  it("rejects negative and fractional amounts", () => {
    expect(paths({ ...valid, monthlyPensionFen: -1 })).toEqual(["monthlyPensionFen"]);
    expect(paths({ ...valid, monthlyPensionFen: 1.5 })).toEqual(["monthlyPensionFen"]);
  });
  it("names each bad field", () => {
    expect(paths({ ...valid, nationalId: id.slice(0, 17) + (id[17] === "1" ? "2" : "1"), phone: "12", scheme: "x", enrolledOn: "2001-02-30" }).sort()).toEqual(
      ["enrolledOn", "nationalId", "phone", "scheme"],
    );
  });
});
