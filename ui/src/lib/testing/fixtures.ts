//! Small, typed stand-ins for what the core returns, for component tests. Typed against
//! the generated IPC types, so a change in Rust that breaks the UI breaks `npm run check`.

import type {
  ClerkKeysStatus,
  AppInfo,
  Award,
  Category,
  CategoryResult,
  CategoryRule,
  CertificateCheck,
  CertificatePreview,
  CertificateTemplate,
  CategoryProgress,
  Criterion,
  Enrolment,
  Expert,
  ExpertStatus,
  FieldValue,
  FileReport,
  IpcError,
  Nomination,
  NominationResult,
  PackagedNomination,
  PanelDecision,
  PackageSummary,
  PanelPackage,
  PanelView,
  QrCheck,
  Receipt,
  Registration,
  ReviewOutline,
  ReviewList,
  ReviewResults,
  ReviewSummary,
  ScoreItem,
  ScoringMode,
  StoredFlag,
  Submission,
} from "$lib/ipc/types";

export const appInfoFixture: AppInfo = { version: "0.1.0", data_dir: "/home/clerk/.local/share/paneldesk" };

/** A refusal as the core sends it: a code the page may branch on and the reason in both languages. */
export function ipcError(code: string, message_zh: string, message_en: string): IpcError {
  return { code, message_zh, message_en };
}

export function summary(overrides: Partial<ReviewSummary> = {}): ReviewSummary {
  return {
    id: "2026-student_exemplar-a1b2c3d4",
    path: "/data/reviews/2026-student_exemplar-a1b2c3d4.pdreview",
    activity: "student_exemplar",
    activity_name_zh: "大学生党员标兵",
    activity_name_en: "Student Party member exemplars",
    year: 2026,
    title_zh: "2026年大学生党员标兵评审",
    title_en: "2026 Student Party member exemplars review",
    created_at: "2026-03-01T02:05:00Z",
    n_categories: 1,
    n_experts: 7,
    n_nominations: 60,
    ...overrides,
  };
}

export function reviewList(reviews: ReviewSummary[], unreadable: ReviewList["unreadable"] = []): ReviewList {
  return { reviews, unreadable };
}

export const notFound = ipcError("review_not_found", "找不到评审文件", "Review file not found");

function field(key: string, label_zh: string, label_en: string, value: string, personal = false): FieldValue {
  return { key, label_zh, label_en, value, personal };
}

function criterion(key: string, name_zh: string, name_en: string, placeholder = false): Criterion {
  return { key, name_zh, name_en, max_points: 20, step: 0.5, guidance_zh: placeholder ? "暂无权威条目" : "", placeholder };
}

/** A category with no per-university allowance (the default until the clerk sets one). */
function category(
  key: string,
  name_zh: string,
  name_en: string,
  quota: { quota: number; quota_approximate: boolean },
  scoring_mode: ScoringMode,
  criteria: Criterion[] = [],
): Category {
  return { key, name_zh, name_en, ...quota, allowance: null, scoring_mode, rubric: { criteria } };
}

export const categories: Category[] = [
  category("case_university", "学校党委层面案例", "University Party committee cases", { quota: 5, quota_approximate: true }, "criteria", [
    criterion("c1", "真实性", "Authenticity"),
    criterion("c2", "创新性", "Innovation"),
  ]),
  category("case_branch", "基层党支部层面案例", "Party branch cases", { quota: 30, quota_approximate: false }, "vote", [
    criterion("c1", "过硬一（待填写）", "Criterion 1 (to be worded)", true),
  ]),
];

/** The rule a category has until the clerk sets one (the core's ResultOptions defaults). */
export function categoryRule(overrides: Partial<CategoryRule> = {}): CategoryRule {
  return {
    method: "trimmed_mean",
    trim_min_experts: 5,
    normalise: false,
    vote_threshold: "more_than_half",
    tie_breakers: [{ kind: "more_top_marks" }],
    ...overrides,
  };
}

export const experts: Expert[] = [
  { id: 1, name: "王喆", institution: "江北师范大学", title: "教授" },
  { id: 2, name: "李珺", institution: "省委党校", title: "研究员" },
];

/** Who is nominated, by whom, in which category: the form's first field is always the university. */
function nominee(id: number, category_key: string, university: string, display_name: string, fields: FieldValue[]) {
  return { id, category_key, university, display_name, fields: [field("university", "推荐单位", "Nominating university", university), ...fields] };
}

function nomination(id: number, category_key: string, university: string, display_name: string, level: string): Nomination {
  return {
    ...nominee(id, category_key, university, display_name, [
      field("case_name", "案例名称", "Case title", display_name),
      field("case_level", "申报层级", "Level", level),
      field("united_front", "是否统战类", "United-front case?", "否"),
      field("contact_phone", "联系电话", "Contact phone", "138****5678", true),
    ]),
    extra_fields: [field("获奖情况", "获奖情况", "获奖情况", "省级优秀案例")],
    materials: ["推荐表.pdf", "案例材料.docx"],
  };
}

export const review: ReviewOutline = {
  id: "2026-innovation_case-0f0f0f0f",
  activity: "innovation_case",
  activity_name_zh: "基层党建创新典型案例",
  activity_name_en: "Innovative Party-building cases",
  year: 2026,
  title_zh: "2026年基层党建创新典型案例评审",
  title_en: "2026 Innovative Party-building cases review",
  created_at: "2026-03-01T02:05:00Z",
  categories,
  rules: { case_university: categoryRule(), case_branch: categoryRule() },
  experts,
  nomination_counts: { case_university: 1, case_branch: 2 },
  n_nominations: 3,
};

/** The review's nominations, as the core lists them a page at a time (`nomination_page`). */
export const nominations: Nomination[] = [
  nomination(11, "case_university", "江北师范大学", "“党建+课程思政”双融合育人模式", "学校党委"),
  nomination(12, "case_branch", "东川理工大学", "实验室里的党小组", "基层党支部"),
  nomination(13, "case_branch", "江北师范大学", "“红色宿舍”网格化党员服务", "基层党支部"),
];

export function fileReport(overrides: Partial<FileReport> = {}): FileReport {
  return {
    file: "/home/clerk/推荐表/江北师范大学.xlsx",
    imported: true,
    university: "江北师范大学",
    university_source: "column",
    sheet: "推荐汇总表",
    accepted: 3,
    flagged: 1,
    materials: 0,
    added: ["“红色宿舍”网格化党员服务"],
    removed: [],
    problems: [],
    flags: [
      {
        sheet: "推荐汇总表",
        row: 5,
        column: "",
        code: "duplicate",
        message_zh: "与第 4 行重复",
        message_en: "Duplicates row 4",
      },
    ],
    error: null,
    ...overrides,
  };
}

export const failedReport: FileReport = fileReport({
  file: "/home/clerk/推荐表/东川理工大学.xls",
  imported: false,
  university: null,
  university_source: null,
  sheet: null,
  accepted: 0,
  flagged: 0,
  added: [],
  flags: [],
  problems: [
    { sheet: "Sheet1", row: 3, column: "C", code: "missing_value", message_zh: "缺少必填项", message_en: "A required value is missing" },
  ],
  error: { code: "no_header", message_zh: "找不到表头行", message_en: "No header row found" },
});

export function storedFlag(overrides: Partial<StoredFlag> = {}): StoredFlag {
  return {
    id: 1,
    nomination_id: 12,
    university: "东川理工大学",
    display_name: "实验室里的党小组",
    kind: "branch_too_young",
    message_zh: "支部成立于 2024 年，不满三年",
    message_en: "The branch was founded in 2024, less than three years ago",
    status: "open",
    note: "",
    ...overrides,
  };
}

export const noteRequired = ipcError("note_required", "保留时必须填写理由", "A note is required to keep a flagged nomination");

// ---- The expert's panel -------------------------------------------------------------
// Two categories: 样板支部 scored per criterion (two criteria, max 15, step 0.5) and 创新案例
// by vote. Four nominations; 102 comes from the enrolled expert's own institution and is
// recused automatically; 101 carries two materials.

export const PANEL_HASH = "9f2c4e1ab37d5c6e8f9011223344556677889900aabbccddeeff001122334455";
export const CLERK_FINGERPRINT = "7265-BF32-C747-3197-FD60";
export const EXPERT_FINGERPRINT = "F909-E595-008C-AB93-83F9";

function panelCriterion(key: string, name_zh: string, name_en: string, guidance_zh: string): Criterion {
  return { key, name_zh, name_en, max_points: 15, step: 0.5, guidance_zh, placeholder: false };
}

export const panelCategories: Category[] = [
  category("model_branch", "样板支部", "Model Party branches", { quota: 100, quota_approximate: false }, "criteria", [
    panelCriterion("c1", "教育党员有力", "Educating members", "理论学习制度健全，“三会一课”落实到位"),
    panelCriterion("c2", "管理党员有力", "Managing members", "党员档案完整，组织关系清楚"),
  ]),
  category("case_branch", "基层党支部层面案例", "Party branch cases", { quota: 30, quota_approximate: true }, "vote"),
];

export const panelExperts: Expert[] = [
  { id: 1, name: "王喆", institution: "江北师范大学", title: "教授" },
  { id: 2, name: "李珺", institution: "省委党校", title: "研究员" },
  { id: 3, name: "欧阳䶮", institution: "南岭大学", title: "" },
];

function packaged(id: number, category_key: string, university: string, display_name: string, extra: Partial<PackagedNomination> = {}): PackagedNomination {
  return {
    ...nominee(id, category_key, university, display_name, [
      field("branch_secretary", "支部书记", "Branch secretary", "赵頔"),
      field("contact_phone", "联系电话", "Contact phone", "139****0021", true),
    ]),
    extra_fields: [],
    materials: [],
    ...extra,
  };
}

export const panelNominations: PackagedNomination[] = [
  packaged(101, "model_branch", "东川理工大学", "化学系第一党支部", {
    extra_fields: [field("获奖情况", "获奖情况", "获奖情况", "省级先进基层党组织")],
    materials: [
      { named: "推荐表", file_name: "推荐表.pdf", bytes: 14540, sha256: "a".repeat(64) },
      { named: "事迹材料", file_name: "化学系第一党支部事迹材料.docx", bytes: 812, sha256: "b".repeat(64) },
    ],
  }),
  packaged(102, "model_branch", "江北师范大学", "文学院学生党支部"),
  packaged(103, "model_branch", "南岭大学", "机械学院教工党支部"),
  packaged(104, "case_branch", "东川理工大学", "实验室里的党小组"),
];

export function panelPackage(overrides: Partial<PanelPackage> = {}): PanelPackage {
  return {
    format: "paneldesk.panel-package",
    version: 1,
    created_at: "2026-04-01T01:00:00Z",
    closes_on: "2026-04-15",
    review: {
      id: "2026-model_branch-0a0a0a0a",
      activity: "model_branch",
      year: 2026,
      title_zh: "2026年样板支部评审",
      title_en: "2026 Model Party branches review",
    },
    clerk: { signing_key: "ab".repeat(32), age_recipient: "age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq" },
    min_comment_chars: 0,
    categories: panelCategories,
    experts: panelExperts,
    nominations: panelNominations,
    ...overrides,
  };
}

export const enrolment: Enrolment = { expert: panelExperts[0]!, fingerprint: EXPERT_FINGERPRINT, locked: false };

export function categoryProgress(category_key: string, complete: number, total: number, recused = 0): CategoryProgress {
  const category = panelCategories.find((c) => c.key === category_key)!;
  return { category_key, name_zh: category.name_zh, name_en: category.name_en, total, complete, recused };
}

export function submission(overrides: Partial<Submission> = {}): Submission {
  return {
    file: "/media/wangzhe/U盘/2026年样板支部评审-王喆-1.pdresult",
    bundle_hash: "cd".repeat(32),
    sequence: 1,
    fingerprint: EXPERT_FINGERPRINT,
    created_at: "2026-04-10T06:30:00Z",
    ...overrides,
  };
}

/** A panel as the core shows it; enrolled as 王喆 with nothing scored unless told otherwise. */
export function panelViewFixture(overrides: Partial<PanelView> = {}): PanelView {
  return {
    hash: PANEL_HASH,
    clerk_fingerprint: CLERK_FINGERPRINT,
    package: panelPackage(),
    enrolment,
    progress: [categoryProgress("model_branch", 1, 3, 1), categoryProgress("case_branch", 0, 1)],
    submissions: [],
    ...overrides,
  };
}

export function scoreItem(nomination_id: number, overrides: Partial<ScoreItem> = {}): ScoreItem {
  return { nomination_id, recusal: null, criteria: {}, vote: null, grade: null, comment: "", entered: null, ...overrides };
}

/** The entries right after enrolling as 王喆 (江北师范大学): only the automatic recusal. */
export function panelItemsFixture(): ScoreItem[] {
  return [
    scoreItem(101),
    scoreItem(102, { recusal: { reason: "same_institution", note: "", automatic: true } }),
    scoreItem(103),
    scoreItem(104),
  ];
}

export function packageSummary(overrides: Partial<PackageSummary> = {}): PackageSummary {
  return {
    path: "/home/clerk/2026年基层党建创新典型案例评审.pdpanel",
    hash: PANEL_HASH,
    clerk_fingerprint: CLERK_FINGERPRINT,
    nominations: 3,
    experts: 2,
    materials: 6,
    excluded: 1,
    ...overrides,
  };
}

export const pointsOutOfRange = ipcError("points_out_of_range", "“教育党员有力”的分值 16 超出范围（0–15）", "教育党员有力: 16 is outside 0–15");

export const passphraseTooWeak = ipcError("passphrase_too_weak", "口令太容易被猜到：请换一句只有您知道的话", "The passphrase is too easy to guess");

// ---- The clerk's results ------------------------------------------------------------
// The review above after two experts' bundles came back: 王喆's for the first time, 李珺's
// again, and one file that is not a bundle at all. 王喆's key is registered, 李珺's not yet.

export const receipts: Receipt[] = [
  {
    outcome: "accepted",
    file: "/media/clerk/U盘/2026年基层党建创新典型案例评审-王喆-1.pdresult",
    expert: "王喆",
    sequence: 1,
    fingerprint: EXPERT_FINGERPRINT,
    superseded: false,
    released: [],
  },
  { outcome: "already_have", file: "/media/clerk/U盘/2026年基层党建创新典型案例评审-李珺-2.pdresult", expert: "李珺", sequence: 2 },
  {
    outcome: "refused",
    file: "/media/clerk/U盘/照片.pdresult",
    code: "bad_bundle",
    message_zh: "不是 PanelDesk 评分结果文件",
    message_en: "Not a PanelDesk result bundle",
  },
];

export function expertStatusFixture(): ExpertStatus[] {
  return [
    { expert_id: 1, name: "王喆", panel: "", submitted: true, sequence: 1, received_at: "2026-04-12T01:30:00Z", fingerprint: EXPERT_FINGERPRINT, registered: EXPERT_FINGERPRINT, marked: 3, recused: 1 },
    { expert_id: 2, name: "李珺", panel: "", submitted: false, sequence: null, received_at: null, fingerprint: null, registered: null, marked: 0, recused: 0 },
  ];
}

/** 李珺's key as she wrote it on her signed confirmation, and as the core prints it. */
export const SECOND_EXPERT_FINGERPRINT = "DD74-02B0-A422-1589-F3EA";

export function registration(overrides: Partial<Registration> = {}): Registration {
  return {
    expert_id: 1,
    expert_name: "王喆",
    fingerprint: EXPERT_FINGERPRINT,
    registered_at: "2026-04-12T00:40:00Z",
    registered_by: "clerk",
    how: "typed",
    revoked_at: null,
    revoked_reason: null,
    ...overrides,
  };
}

/** A bundle signed by a laptop that enrolled as 李珺 but whose key nobody registered. */
export const unregisteredReceipt: Receipt = {
  outcome: "refused",
  file: "/media/clerk/U盘/2026年基层党建创新典型案例评审-李珺-1.pdresult",
  code: "key_not_registered",
  message_zh: `签名密钥（指纹 ${SECOND_EXPERT_FINGERPRINT}）未登记为专家“李珺”在本评审中的密钥：请先核对专家签字的指纹确认单并登记`,
  message_en: `expert 李珺 signed with key ${SECOND_EXPERT_FINGERPRINT}, which is not registered for them in this review`,
};

export const badFingerprint = ipcError(
  "bad_input",
  "“DD74-02B0”不是有效的密钥指纹：应为 20 位十六进制字符，如 DD74-02B0-A422-1589-F3EA",
  "“DD74-02B0” is not a key fingerprint: 20 hex digits, e.g. DD74-02B0-A422-1589-F3EA",
);

export function nominationResult(overrides: Partial<NominationResult> = {}): NominationResult {
  return {
    nomination_id: 11,
    display_name: "“党建+课程思政”双融合育人模式",
    university: "江北师范大学",
    experts: 2,
    recused: 0,
    score: 87.5,
    criterion_means: { c1: 18.5, c2: 17 },
    votes: null,
    grade: null,
    rank: 1,
    cut: "in",
    flags: [],
    totals: { "1": 88, "2": 87 },
    decision: null,
    applied: { method: "mean", normalised: false, marks: 2, counted: 2 },
    ...overrides,
  };
}

export function categoryResult(overrides: Partial<CategoryResult> = {}): CategoryResult {
  return {
    key: "case_university",
    name_zh: "学校党委层面案例",
    name_en: "University Party committee cases",
    quota: 5,
    quota_approximate: true,
    scoring_mode: "criteria",
    rule: categoryRule(),
    nominations: [nominationResult()],
    ...overrides,
  };
}

/** A nomination tied at the cut on 80 (the first category's 14 unless overridden). */
export function tiedNomination(overrides: Partial<NominationResult> = {}): NominationResult {
  return nominationResult({
    nomination_id: 14,
    display_name: "“三全育人”党建品牌",
    university: "东川理工大学",
    score: 80,
    rank: 2,
    cut: "tied",
    flags: [{ kind: "tie_at_cut" }],
    ...overrides,
  });
}

/** Criteria scores in the first category, votes in the second; a tie and a wide spread. */
export function reviewResultsFixture(): ReviewResults {
  return {
    options: {
      method: "trimmed_mean",
      trim_min_experts: 5,
      normalise: false,
      vote_threshold: "more_than_half",
      tie_breakers: [{ kind: "more_top_marks" }],
      dispersion_share: 0.15,
      outlier_share: 0.1,
    },
    categories: [
      categoryResult({
        nominations: [
          nominationResult({ flags: [{ kind: "high_dispersion", std_dev: 16.25 }] }),
          tiedNomination({ flags: [{ kind: "tie_at_cut" }, { kind: "missing_marks", expected: 2, got: 1 }] }),
        ],
      }),
      categoryResult({
        key: "case_branch",
        name_zh: "基层党支部层面案例",
        name_en: "Party branch cases",
        quota: 30,
        quota_approximate: false,
        scoring_mode: "vote",
        rule: categoryRule({ vote_threshold: "two_thirds" }),
        nominations: [
          nominationResult({
            nomination_id: 12,
            display_name: "实验室里的党小组",
            university: "东川理工大学",
            score: null,
            criterion_means: {},
            votes: { agree: 1, disagree: 0, abstain: 0, present: 1, passed: true },
            rank: 1,
            cut: "in",
            recused: 1,
            totals: {},
          }),
          nominationResult({
            nomination_id: 13,
            display_name: "“红色宿舍”网格化党员服务",
            score: null,
            criterion_means: {},
            votes: null,
            rank: 2,
            cut: "unscored",
            flags: [{ kind: "no_marks" }],
            totals: {},
          }),
        ],
      }),
    ],
    outlier_experts: [{ expert_id: 2, name: "李珺", mean_deviation: -12.5 }],
    unpackaged: [],
  };
}

export function panelDecision(overrides: Partial<PanelDecision> = {}): PanelDecision {
  return {
    nomination_id: 14,
    outcome: "in",
    reason: "评审组表决 5:2",
    decided_at: "2026-04-20T02:30:00Z",
    actor: "clerk",
    ...overrides,
  };
}

/**
 * The results after the panel ruled the tie at the cut in (nomination 14): the core has cut
 * it in, and the tie flag stays listed.
 */
export function decidedResultsFixture(decision: PanelDecision = panelDecision()): ReviewResults {
  const results = reviewResultsFixture();
  for (const category of results.categories) {
    category.nominations = category.nominations.map((n) =>
      n.nomination_id === decision.nomination_id ? { ...n, cut: decision.outcome, decision } : n,
    );
  }
  return results;
}

export const reasonRequired = ipcError("note_required", "评审组决定必须写明理由", "A panel decision needs a reason");

export const noPackageYet = ipcError("no_package_yet", "尚未生成评审包", "No panel package has been built yet");

export function certificateTemplateFixture(overrides: Partial<CertificateTemplate> = {}): CertificateTemplate {
  return {
    title: "荣誉证书",
    body: "{姓名}：\n　　经{学校}推荐、专家评审，被评为{年度}年度“{称号}”。\n　　特发此证，以资鼓励。",
    honour: "{类别}",
    issuer: "中共东川省委教育工作委员会",
    serial_prefix: "PD",
    landscape: true,
    seal: null,
    background: null,
    categories: [],
    ...overrides,
  };
}

/** A landscape A4 sheet with the frame, a title, one body line and the seal. */
export function certificatePreviewFixture(title = "荣誉证书", overrides: Partial<CertificatePreview> = {}): CertificatePreview {
  return {
    sheet: {
      width: 841.89,
      height: 595.28,
      marks: [
        { kind: "frame", x: 28.35, y: 28.35, width: 785.2, height: 538.58, thickness: 2.2 },
        { kind: "text", x: 330, y: 140, size: 44, bold: true, spacing: 22, text: title },
        { kind: "text", x: 107.7, y: 230, size: 20, bold: false, spacing: 0, text: "　　经江北师范大学推荐、专家评审，被评为2026年度“学校党委层面案例”。" },
        { kind: "seal", x: 560, y: 420, width: 113.4, height: 113.4 },
      ],
    },
    sample: true,
    missing_chars: "",
    issuer_missing: false,
    ...overrides,
  };
}

export function awards(): Award[] {
  return [
    { serial: "PD2026-case_university-001", code: "K7QX-2MZD", name: "“党建+课程思政”双融合育人模式", university: "江北师范大学", category: "学校党委层面案例", year: 2026, review_title: review.title_zh, qr: "PDC1:PD2026-case_university-001" },
    { serial: "PD2026-case_branch-001", code: "9RTA-H4WE", name: "实验室里的党小组", university: "东川理工大学", category: "基层党支部层面案例", year: 2026, review_title: review.title_zh, qr: "PDC1:PD2026-case_branch-001" },
  ];
}

export function certificateCheck(overrides: Partial<CertificateCheck> = {}): CertificateCheck {
  return {
    serial: "PD2026-case_branch-001",
    genuine: true,
    name: "实验室里的党小组",
    university: "东川理工大学",
    category: "基层党支部层面案例",
    reason_zh: "编号与核验码相符，证书由本评审印制",
    reason_en: "The serial and code match a certificate this review printed",
    ...overrides,
  };
}

/** What the core answers for a certificate's QR text signed by the key `fingerprint` names. */
export function qrCheck(overrides: Partial<QrCheck> = {}): QrCheck {
  return {
    genuine: true,
    words: {
      serial: "PD2026-01-003",
      name: "欧阳䶮",
      university: "江北师范大学",
      honour: "大学生党员标兵",
      year: 2026,
      review_id: "2026-student_exemplar-a1b2c3d4",
    },
    clerk_fingerprint: "DD74-02B0-A422-1589-F3EA",
    code: "7K2QX-M9TAB",
    reason_zh: "证书真实有效",
    reason_en: "the certificate is genuine",
    ...overrides,
  };
}

/** The nine lines a phone scanner reads off a certificate's QR code. */
export const qrText = [
  "paneldesk-certificate-v2",
  "PD2026-01-003",
  "欧阳䶮",
  "江北师范大学",
  "大学生党员标兵",
  "2026",
  "2026-student_exemplar-a1b2c3d4",
  `key:${"ab".repeat(32)}`,
  `sig:${"cd".repeat(64)}`,
  "",
].join("\n");

export const badPlaceholder = ipcError("bad_input", "证书模板的 title 中有未知的占位符 {姓明}", "certificate template title has an unknown placeholder {姓明}");

/** The clerk's keys as they stand once the clerk has unlocked them this session. */
export const clerkKeysUnlocked: ClerkKeysStatus = {
  state: "protected",
  unlocked: true,
  fingerprint: "DD74-02B0-A422-1589-F3EA",
};
