import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setLang } from "$lib/i18n/i18n.svelte";
import { chooseOpenFiles } from "$lib/ipc/dialog";
import { clearCommandMocks, mockCommands, type MockedCommands } from "$lib/ipc/mock";
import type { CertificateTemplate, TemplateWords } from "$lib/ipc/types";
import {
  badPlaceholder,
  certificateCheck,
  certificatePreviewFixture,
  certificateTemplateFixture,
  review,
} from "$lib/testing/fixtures";
import CertificateEditor from "./CertificateEditor.svelte";
import { withoutImages } from "./templateImages";
import CheckCertificate from "./CheckCertificate.svelte";
import { freshPage } from "$lib/testing/page";

// The shell's file dialogs, answered by each test (lib/ipc/__mocks__/dialog.ts).
vi.mock("$lib/ipc/dialog");

// The preview waits for typing to pause; give it time on a slow machine.
const SLOW = { timeout: 4000 };
let ipc: MockedCommands;

beforeEach(() => {
  freshPage();
  ipc = mockCommands({
    certificate_template: () => certificateTemplateFixture(),
    certificate_preview: (args) => {
      const template = args.template as CertificateTemplate;
      if (template.title.includes("{姓明}")) throw badPlaceholder;
      return certificatePreviewFixture(template.title, { missing_chars: template.title.includes("䶮") ? "䶮" : "" });
    },
    save_certificate_template: (args) => stored(args.template),
  });
});
afterEach(clearCommandMocks);

/** What the shell answers a save with: the words sent, with the images it chose. */
const stored = (template: unknown): CertificateTemplate => ({ ...(template as TemplateWords), seal: null, background: null });

const texts = (svg: Element) => [...svg.querySelectorAll("text[data-mark='text']")].map((t) => t.textContent);

describe("the certificate template editor", () => {
  it("draws the core's layout of the page as SVG", async () => {
    render(CertificateEditor, { reviewId: review.id });
    const svg = await screen.findByTestId("certificate-preview", {}, SLOW);
    expect(svg.getAttribute("viewBox")).toBe("0 0 841.89 595.28");
    expect(texts(svg)).toEqual(["荣誉证书", "　　经江北师范大学推荐、专家评审，被评为2026年度“学校党委层面案例”。"]);

    const title = svg.querySelector("text[data-mark='text']")!;
    expect(title.getAttribute("x")).toBe("330");
    expect(title.getAttribute("y")).toBe("140");
    expect(title.getAttribute("font-size")).toBe("44");
    expect(title.getAttribute("font-weight")).toBe("700");
    expect(title.getAttribute("letter-spacing")).toBe("22");
    // The faces the shell serves from the files the PDF embeds (paneldesk-font:).
    expect(title.getAttribute("font-family")).toBe('"PanelDesk Certificate Serif", serif');
    expect(svg.querySelectorAll("[data-mark='frame']")).toHaveLength(1);
    expect(svg.querySelector("[data-mark='seal']")?.textContent).toContain("印章");
    expect(screen.getByTestId("certificate-sample").textContent).toContain("示例姓名");

    expect(ipc.callsOf("certificate_preview")[0]?.args).toEqual({
      reviewId: review.id,
      template: withoutImages(certificateTemplateFixture()),
      categoryKey: null,
      seal: { kind: "keep" }, background: { kind: "keep" },
    });
    expect((screen.getByTestId("certificate-save") as HTMLButtonElement).disabled).toBe(true);
  });

  it("redraws after a change, warns of missing characters, and saves the edited template", async () => {
    render(CertificateEditor, { reviewId: review.id });
    await screen.findByTestId("certificate-preview", {}, SLOW);
    await fireEvent.input(screen.getByTestId("certificate-title"), { target: { value: "欧阳䶮荣誉证书" } });
    await waitFor(() => expect(texts(screen.getByTestId("certificate-preview"))[0]).toBe("欧阳䶮荣誉证书"), SLOW);
    expect(screen.getByTestId("certificate-missing-chars").textContent).toContain("䶮");
    expect(screen.getByTestId("certificate-unsaved")).toBeTruthy();

    await fireEvent.click(screen.getByTestId("certificate-landscape"));
    await fireEvent.click(screen.getByTestId("certificate-save"));
    await screen.findByTestId("certificate-saved");
    expect(ipc.callsOf("save_certificate_template")[0]?.args).toEqual({
      reviewId: review.id,
      template: withoutImages(certificateTemplateFixture({ title: "欧阳䶮荣誉证书", landscape: false })),
      seal: { kind: "keep" }, background: { kind: "keep" },
    });
    expect(screen.queryByTestId("certificate-unsaved")).toBeNull();
  });

  it("shows why a template cannot be previewed and keeps the last good preview", async () => {
    render(CertificateEditor, { reviewId: review.id });
    await screen.findByTestId("certificate-preview", {}, SLOW);
    await fireEvent.input(screen.getByTestId("certificate-title"), { target: { value: "{姓明}的证书" } });

    const error = await screen.findByTestId("certificate-preview-error", {}, SLOW);
    expect(error.textContent).toContain("未知的占位符 {姓明}");
    expect(texts(screen.getByTestId("certificate-preview"))[0]).toBe("荣誉证书");

    await fireEvent.input(screen.getByTestId("certificate-title"), { target: { value: "优秀证书" } });
    await waitFor(() => expect(screen.queryByTestId("certificate-preview-error")).toBeNull(), SLOW);
    expect(texts(screen.getByTestId("certificate-preview"))[0]).toBe("优秀证书");
  });

  it("edits a category's own title and honour, previews that category, and resets it", async () => {
    render(CertificateEditor, { reviewId: review.id, categories: review.categories });
    await screen.findByTestId("certificate-preview", {}, SLOW);
    const select = screen.getByTestId("certificate-category") as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual([
      "所有类别（共用模板）",
      "学校党委层面案例",
      "基层党支部层面案例",
    ]);
    await fireEvent.change(select, { target: { value: "case_branch" } });
    expect(screen.getByTestId("certificate-category-status").dataset.own).toBe("false");
    // The shared values show until the category has its own.
    expect((screen.getByTestId("certificate-title") as HTMLInputElement).value).toBe("荣誉证书");
    await fireEvent.input(screen.getByTestId("certificate-honour"), { target: { value: "优秀基层党支部案例" } });
    await fireEvent.input(screen.getByTestId("certificate-title"), { target: { value: "优秀案例证书" } });
    await waitFor(
      () =>
        expect(ipc.callsOf("certificate_preview").at(-1)?.args).toMatchObject({
          categoryKey: "case_branch",
          template: {
            title: "荣誉证书",
            categories: [{ category_key: "case_branch", title: "优秀案例证书", honour: "优秀基层党支部案例", landscape: null }],
          },
        }),
      SLOW,
    );
    expect(screen.getByTestId("certificate-category-status").dataset.own).toBe("true");

    // Back on the shared template, its own title is untouched.
    await fireEvent.change(select, { target: { value: "" } });
    expect((screen.getByTestId("certificate-title") as HTMLInputElement).value).toBe("荣誉证书");
    await fireEvent.click(screen.getByTestId("certificate-save"));
    await screen.findByTestId("certificate-saved");
    expect(ipc.callsOf("save_certificate_template")[0]?.args).toEqual({
      reviewId: review.id,
      template: withoutImages(
        certificateTemplateFixture({
          categories: [{ category_key: "case_branch", title: "优秀案例证书", honour: "优秀基层党支部案例", landscape: null }],
        }),
      ),
      seal: { kind: "keep" }, background: { kind: "keep" },
    });

    await fireEvent.change(select, { target: { value: "case_branch" } });
    await fireEvent.click(screen.getByTestId("certificate-category-reset"));
    expect(screen.getByTestId("certificate-category-status").dataset.own).toBe("false");
    expect(screen.getByTestId("certificate-unsaved")).toBeTruthy();
  });

  it("says printing waits for the issuer while none is set", async () => {
    ipc = mockCommands({
      certificate_template: () => certificateTemplateFixture({ issuer: "" }),
      certificate_preview: (args) =>
        certificatePreviewFixture("荣誉证书", {
          issuer_missing: (args.template as CertificateTemplate).issuer.trim() === "",
        }),
      save_certificate_template: (args) => stored(args.template),
    });
    render(CertificateEditor, { reviewId: review.id });
    const warning = await screen.findByTestId("certificate-issuer-missing", {}, SLOW);
    expect(warning.textContent).toContain("落款单位");
    await fireEvent.input(screen.getByTestId("certificate-issuer"), { target: { value: "中共东川省委教育工作委员会" } });
    await waitFor(() => expect(screen.queryByTestId("certificate-issuer-missing")).toBeNull(), SLOW);
  });

  it("picks one seal image and removes it again", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "open-seal", name: "委员会章.png" }]);
    render(CertificateEditor, { reviewId: review.id });
    await screen.findByTestId("certificate-preview", {}, SLOW);
    await fireEvent.click(screen.getByTestId("certificate-seal-pick"));
    await waitFor(() => expect(screen.getByTestId("certificate-seal").textContent?.trim()).toBe("委员会章.png"));
    expect(vi.mocked(chooseOpenFiles).mock.calls[0]?.[0]).toMatchObject({ extensions: ["png", "jpg", "jpeg"], multiple: false });
    await waitFor(
      // The shell is asked for the opened file by its handle; the template itself names no file.
      () =>
        expect(ipc.callsOf("certificate_preview").at(-1)?.args).toMatchObject({
          seal: { kind: "picked", handle: "open-seal" },
        }),
      SLOW,
    );
    expect(ipc.callsOf("certificate_preview").at(-1)?.args.template).not.toHaveProperty("seal");

    await fireEvent.click(screen.getByTestId("certificate-seal-remove"));
    expect(screen.getByTestId("certificate-seal").textContent?.trim()).toBe("未设置");
  });

  it("sends a picked seal as the shell's handle and shows the file the shell stored", async () => {
    vi.mocked(chooseOpenFiles).mockResolvedValue([{ handle: "open-seal", name: "委员会章.png" }]);
    ipc = mockCommands({
      certificate_template: () => certificateTemplateFixture(),
      certificate_preview: (args) => certificatePreviewFixture((args.template as CertificateTemplate).title),
      save_certificate_template: (args) => ({ ...stored(args.template), seal: "/home/clerk/印章/委员会章.png" }),
    });
    render(CertificateEditor, { reviewId: review.id });
    await screen.findByTestId("certificate-preview", {}, SLOW);
    await fireEvent.click(screen.getByTestId("certificate-seal-pick"));
    await waitFor(() => expect(screen.getByTestId("certificate-seal").textContent?.trim()).toBe("委员会章.png"));
    await fireEvent.click(screen.getByTestId("certificate-save"));
    await screen.findByTestId("certificate-saved");
    expect(ipc.callsOf("save_certificate_template")[0]?.args).toEqual({
      reviewId: review.id,
      template: withoutImages(certificateTemplateFixture()),
      seal: { kind: "picked", handle: "open-seal" },
      background: { kind: "keep" },
    });
    expect(screen.getByTestId("certificate-seal").textContent?.trim()).toBe("委员会章.png");
    expect(screen.queryByTestId("certificate-unsaved")).toBeNull();
  });
});

describe("checking a certificate", () => {
  it("says whether the serial and code are genuine, and why", async () => {
    let genuine = true;
    ipc = mockCommands({
      check_certificate: () =>
        genuine
          ? certificateCheck()
          : certificateCheck({
              genuine: false,
              name: null,
              university: null,
              category: null,
              reason_zh: "核验码与编号不符",
              reason_en: "The code does not match the serial",
            }),
    });
    render(CheckCertificate, { reviewId: review.id });
    const submit = screen.getByTestId("check-submit") as HTMLButtonElement;
    expect(submit.disabled).toBe(true);

    await fireEvent.input(screen.getByTestId("check-serial"), { target: { value: "PD2026-case_branch-001" } });
    await fireEvent.input(screen.getByTestId("check-code"), { target: { value: "9RTA-H4WE" } });
    await fireEvent.click(submit);
    let result = await screen.findByTestId("check-result");
    expect(ipc.callsOf("check_certificate")[0]?.args).toEqual({
      reviewId: review.id,
      serial: "PD2026-case_branch-001",
      code: "9RTA-H4WE",
    });
    expect(result.dataset.genuine).toBe("true");
    expect(result.textContent).toContain("证书真实有效");
    expect(result.textContent).toContain("编号与核验码相符");
    expect(result.textContent).toContain("实验室里的党小组");

    genuine = false;
    await fireEvent.input(screen.getByTestId("check-code"), { target: { value: "0000-0000" } });
    await fireEvent.click(submit);
    await waitFor(() => expect(screen.getByTestId("check-result").dataset.genuine).toBe("false"));
    result = screen.getByTestId("check-result");
    expect(result.textContent).toContain("无法证实此证书");
    expect(result.textContent).toContain("核验码与编号不符");

    setLang("en");
    await Promise.resolve();
    expect(screen.getByTestId("check-result").textContent).toContain("The code does not match the serial");
  });
});
