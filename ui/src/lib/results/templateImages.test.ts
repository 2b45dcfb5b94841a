import { describe, expect, it } from "vitest";
import { certificateTemplateFixture } from "$lib/testing/fixtures";
import { imageChoice, imageChoices, withoutImages } from "./templateImages";

describe("a template's images as the shell is asked for them", () => {
  it("keeps the stored one, removes it, or names a file opened here by its handle", () => {
    expect(imageChoice("/home/clerk/章.png", "/home/clerk/章.png")).toEqual({ kind: "keep" });
    expect(imageChoice(null, null)).toEqual({ kind: "keep" });
    expect(imageChoice(null, "/home/clerk/章.png")).toEqual({ kind: "remove" });
    expect(imageChoice("3f2a…", "/home/clerk/章.png")).toEqual({ kind: "picked", handle: "3f2a…" });
  });

  it("sends no path in the template itself", () => {
    const stored = certificateTemplateFixture({ seal: "/home/clerk/章.png", background: "/home/clerk/底纹.png" });
    const sent = withoutImages(stored);
    expect(sent).not.toHaveProperty("seal");
    expect(sent).not.toHaveProperty("background");
    expect(sent.title).toBe(stored.title);
    expect(imageChoices({ ...stored, seal: null }, stored)).toEqual([{ kind: "remove" }, { kind: "keep" }]);
  });
});
