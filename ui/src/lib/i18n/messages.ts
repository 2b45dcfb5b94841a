//! The one table of UI strings. Chinese (zh-CN) is the source; English must name
//! every key Chinese has (the type checker and `messages.test.ts` both insist).
//! `{name}` marks a value filled in by `translate`.

export const LANGS = ["zh-CN", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = "zh-CN";

const zh = {
  "app.name": "PanelDesk 专家评审",
  "lang.switch": "English",
  "lang.switchTitle": "切换为英文界面",

  "footer.version": "版本 {version}",
  "footer.dataDir": "数据文件夹",
  "footer.reading": "读取中…",

  "error.title": "操作未完成",
  "error.code": "错误代码",
  "error.dismiss": "关闭",
  "error.unexpected": "发生意外错误：{detail}",

  "common.cancel": "取消",
  "common.none": "无",
  "common.emptyValue": "—",
  "common.dismiss": "知道了",

  "home.heading": "评审列表",
  "home.subtitle": "本机数据文件夹中的评审文件，最新的在前。",
  "home.createDemo": "创建演示评审",
  "home.creatingDemo": "正在创建演示评审…",
  "home.newReview": "新建评审",
  "home.loading": "正在读取评审列表…",
  "home.empty": "还没有评审。请新建评审，或先创建一个演示评审熟悉操作。",
  "home.count": "共 {n} 个评审",
  "home.openHint": "单击或按回车键打开评审",
  "home.col.title": "评审名称",
  "home.col.activity": "评选活动",
  "home.col.year": "年度",
  "home.col.categories": "类别",
  "home.col.experts": "专家",
  "home.col.nominations": "推荐对象",
  "home.col.created": "创建时间",
  "home.unreadable.title": "有 {n} 个文件无法读取，未列入评审列表",
  "home.unreadable.hint": "这些文件保持原样，未做任何改动。",

  "newReview.heading": "新建评审",
  "newReview.activity": "评选活动",
  "newReview.year": "年度",
  "newReview.submit": "创建",
  "newReview.submitting": "正在创建…",
  "newReview.loadingActivities": "正在读取活动列表…",
  "newReview.yearInvalid": "请输入四位数年份，例如 {year}。",

  "review.back": "返回",
  "review.loading": "正在打开评审…",
  "review.year": "{year} 年度",
  "review.createdAt": "创建于 {date}",
  "review.id": "编号 {id}",
  "review.backup": "备份…",
  "review.backingUp": "正在备份…",

  "backup.dialogTitle": "备份评审文件",
  "backup.filterName": "PanelDesk 评审文件",
  "backup.done": "已备份到 {path}",

  "tabs.label": "评审内容",
  "tab.overview": "概览",
  "tab.rubric": "类别与评分标准",
  "tab.experts": "专家",
  "tab.nominations": "推荐对象",

  "overview.categories": "类别",
  "overview.experts": "专家",
  "overview.nominations": "推荐对象",
  "overview.byCategory": "各类别推荐情况",
  "overview.col.category": "类别",
  "overview.col.scoringMode": "评分方式",
  "overview.col.nominations": "推荐数",
  "overview.col.quota": "名额",

  "quota.exact": "{n}",
  "quota.approximate": "约 {n}",

  "scoring.criteria": "分项打分",
  "scoring.vote": "投票",
  "scoring.grade": "等次评定",

  "rubric.quota": "名额",
  "rubric.scoringMode": "评分方式",
  "rubric.placeholderNote": "六个过硬暂无权威条目，以下为占位项，请在评审开始前按本省文件修改",
  "rubric.placeholderTag": "占位",
  "rubric.col.index": "序号",
  "rubric.col.name": "评分项",
  "rubric.col.maxPoints": "分值上限",
  "rubric.col.step": "步长",
  "rubric.col.guidance": "评分要点",
  "rubric.noCriteria": "本类别不按评分项打分。",
  "rubric.noCategories": "尚未设置类别。",

  "experts.count": "共 {n} 位专家",
  "experts.empty": "尚未添加专家。",
  "experts.col.index": "序号",
  "experts.col.name": "姓名",
  "experts.col.institution": "工作单位",
  "experts.col.title": "职称",

  "nominations.category": "类别",
  "nominations.allCategories": "全部类别",
  "nominations.search": "搜索",
  "nominations.searchPlaceholder": "姓名、推荐单位或任一栏目",
  "nominations.count": "共 {n} 条",
  "nominations.ofTotal": "（全部 {total} 条）",
  "nominations.empty": "尚无推荐对象。",
  "nominations.noMatch": "没有符合条件的推荐对象。",
  "nominations.col.index": "序号",
  "nominations.col.name": "推荐对象",
  "nominations.col.university": "推荐单位",
  "nominations.col.category": "类别",
  "nominations.fields": "推荐表栏目",
  "nominations.extraFields": "其他栏目",
  "nominations.materials": "材料",
  "nominations.masked": "已脱敏",
  "nominations.detailHint": "单击或按回车键展开详情",
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  "app.name": "PanelDesk Expert Review",
  "lang.switch": "中文",
  "lang.switchTitle": "Switch to Chinese",

  "footer.version": "Version {version}",
  "footer.dataDir": "Data folder",
  "footer.reading": "Reading…",

  "error.title": "The operation did not complete",
  "error.code": "Error code",
  "error.dismiss": "Dismiss",
  "error.unexpected": "An unexpected error occurred: {detail}",

  "common.cancel": "Cancel",
  "common.none": "None",
  "common.emptyValue": "—",
  "common.dismiss": "OK",

  "home.heading": "Reviews",
  "home.subtitle": "Review files in this computer's data folder, newest first.",
  "home.createDemo": "Create demo review",
  "home.creatingDemo": "Creating demo review…",
  "home.newReview": "New review",
  "home.loading": "Reading the list of reviews…",
  "home.empty": "No reviews yet. Create one, or create a demo review to get to know the app.",
  "home.count": "Reviews: {n}",
  "home.openHint": "Click or press Enter to open a review",
  "home.col.title": "Review",
  "home.col.activity": "Activity",
  "home.col.year": "Year",
  "home.col.categories": "Categories",
  "home.col.experts": "Experts",
  "home.col.nominations": "Nominations",
  "home.col.created": "Created",
  "home.unreadable.title": "Files that could not be read ({n}), not listed above",
  "home.unreadable.hint": "These files were left exactly as they are.",

  "newReview.heading": "New review",
  "newReview.activity": "Activity",
  "newReview.year": "Year",
  "newReview.submit": "Create",
  "newReview.submitting": "Creating…",
  "newReview.loadingActivities": "Loading activities…",
  "newReview.yearInvalid": "Enter a four-digit year, such as {year}.",

  "review.back": "Back",
  "review.loading": "Opening the review…",
  "review.year": "{year}",
  "review.createdAt": "Created {date}",
  "review.id": "ID {id}",
  "review.backup": "Back up…",
  "review.backingUp": "Backing up…",

  "backup.dialogTitle": "Back up the review file",
  "backup.filterName": "PanelDesk review file",
  "backup.done": "Backed up to {path}",

  "tabs.label": "Review sections",
  "tab.overview": "Overview",
  "tab.rubric": "Categories and rubrics",
  "tab.experts": "Experts",
  "tab.nominations": "Nominations",

  "overview.categories": "Categories",
  "overview.experts": "Experts",
  "overview.nominations": "Nominations",
  "overview.byCategory": "Nominations by category",
  "overview.col.category": "Category",
  "overview.col.scoringMode": "Scoring",
  "overview.col.nominations": "Nominations",
  "overview.col.quota": "Quota",

  "quota.exact": "{n}",
  "quota.approximate": "about {n}",

  "scoring.criteria": "Points per criterion",
  "scoring.vote": "Vote",
  "scoring.grade": "Grades",

  "rubric.quota": "Quota",
  "rubric.scoringMode": "Scoring",
  "rubric.placeholderNote":
    "There is no authoritative wording of the “six solid” criteria yet. The items below are placeholders: edit them to match your province's documents before the review starts.",
  "rubric.placeholderTag": "Placeholder",
  "rubric.col.index": "No.",
  "rubric.col.name": "Criterion",
  "rubric.col.maxPoints": "Max points",
  "rubric.col.step": "Step",
  "rubric.col.guidance": "Guidance",
  "rubric.noCriteria": "This category is not scored per criterion.",
  "rubric.noCategories": "No categories yet.",

  "experts.count": "Experts: {n}",
  "experts.empty": "No experts yet.",
  "experts.col.index": "No.",
  "experts.col.name": "Name",
  "experts.col.institution": "Institution",
  "experts.col.title": "Title",

  "nominations.category": "Category",
  "nominations.allCategories": "All categories",
  "nominations.search": "Search",
  "nominations.searchPlaceholder": "Name, university or any column",
  "nominations.count": "Nominations: {n}",
  "nominations.ofTotal": "(of {total})",
  "nominations.empty": "No nominations yet.",
  "nominations.noMatch": "No nominations match.",
  "nominations.col.index": "No.",
  "nominations.col.name": "Nominee",
  "nominations.col.university": "University",
  "nominations.col.category": "Category",
  "nominations.fields": "Nomination fields",
  "nominations.extraFields": "Other columns",
  "nominations.materials": "Materials",
  "nominations.masked": "Masked",
  "nominations.detailHint": "Click or press Enter to show details",
};

export const messages: Record<Lang, Record<MessageKey, string>> = { "zh-CN": zh, en };

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGS as readonly string[]).includes(value);
}

export type MessageParams = Record<string, string | number>;

/** The message for `key` in `lang`, with `{name}` replaced from `params`. */
export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const template = messages[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
