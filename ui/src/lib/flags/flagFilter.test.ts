import { describe, expect, it } from "vitest";
import { storedFlag } from "$lib/testing/fixtures";
import { chosen, filterFlags, kindsOf, selectable, statusFilter, universitiesOf } from "./flagFilter";

const flags = [
  storedFlag({ id: 1, university: "东川理工大学", kind: "duplicate" }),
  storedFlag({ id: 2, university: "东川理工大学", kind: "part_time_student", status: "accepted", note: "核实" }),
  storedFlag({ id: 3, university: "江北师范大学", kind: "duplicate" }),
  storedFlag({ id: 4, university: "江北师范大学", kind: "over_allowance", status: "excluded" }),
  storedFlag({ id: 5, university: "", kind: "invalid_fields" }),
];
const ids = (list: { id: number }[]) => list.map((f) => f.id);

describe("filtering flags", () => {
  it("by status: open, settled (kept or excluded) or all", () => {
    expect(ids(filterFlags(flags, { status: "open", kind: "", university: null }))).toEqual([1, 3, 5]);
    expect(ids(filterFlags(flags, { status: "settled", kind: "", university: null }))).toEqual([2, 4]);
    expect(ids(filterFlags(flags, { status: "all", kind: "", university: null }))).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps flags settled in this view among the open ones", () => {
    expect(ids(filterFlags(flags, { status: "open", kind: "", university: null }, new Set([2])))).toEqual([1, 2, 3, 5]);
  });

  it("by kind and by university, together", () => {
    expect(ids(filterFlags(flags, { status: "all", kind: "duplicate", university: null }))).toEqual([1, 3]);
    expect(ids(filterFlags(flags, { status: "all", kind: "", university: "江北师范大学" }))).toEqual([3, 4]);
    expect(ids(filterFlags(flags, { status: "open", kind: "duplicate", university: "江北师范大学" }))).toEqual([3]);
    // A row without a university is a choice of its own.
    expect(ids(filterFlags(flags, { status: "all", kind: "", university: "" }))).toEqual([5]);
  });

  it("offers the kinds and universities present, once each, in the listed order", () => {
    expect(kindsOf(flags)).toEqual(["duplicate", "part_time_student", "over_allowance", "invalid_fields"]);
    expect(universitiesOf(flags)).toEqual(["东川理工大学", "江北师范大学", ""]);
  });

  it("reads an unknown status choice as open", () => {
    expect(statusFilter("settled")).toBe("settled");
    expect(statusFilter("all")).toBe("all");
    expect(statusFilter("x")).toBe("open");
  });
});

describe("choosing flags to settle", () => {
  it("only open flags can be chosen, and a choice counts only while shown", () => {
    const shown = filterFlags(flags, { status: "all", kind: "duplicate", university: null });
    expect(selectable(flags)).toEqual([1, 3, 5]);
    expect(chosen(shown, new Set([1, 2, 3, 5]))).toEqual([1, 3]);
  });
});
