// TEMPORARY hand copy so the UI compiles before the generated bindings land.
// Replaced by the file generated from src-tauri/src/ipc.rs; delete this copy then.

export type Activity = "model_university" | "benchmark_department" | "model_branch" | "dual_leader_studio" | "student_exemplar" | "innovation_case";

export type ActivityInfo = { activity: Activity, name_zh: string, name_en: string, };

export type ScoringMode = "criteria" | "vote" | "grade";

export type Criterion = { key: string, name_zh: string, name_en: string, max_points: number, step: number, guidance_zh: string, placeholder: boolean, };

export type Rubric = { criteria: Array<Criterion>, };

export type Category = { key: string, name_zh: string, name_en: string, quota: number, quota_approximate: boolean, scoring_mode: ScoringMode, rubric: Rubric, };

export type Expert = { id: number, name: string, institution: string, title: string, };

export type FieldValue = { key: string, label_zh: string, label_en: string, value: string, personal: boolean, };

export type Nomination = { id: number, category_key: string, university: string, display_name: string, fields: Array<FieldValue>, extra_fields: Array<FieldValue>, materials: Array<string>, };

export type Review = { id: string, activity: Activity, activity_name_zh: string, activity_name_en: string, year: number, title_zh: string, title_en: string, created_at: string, categories: Array<Category>, experts: Array<Expert>, nominations: Array<Nomination>, };

export type ReviewSummary = { id: string, path: string, activity: Activity, activity_name_zh: string, activity_name_en: string, year: number, title_zh: string, title_en: string, created_at: string, n_categories: number, n_experts: number, n_nominations: number, };

export type AuditEntry = { seq: number, at: string, actor: string, action: string, detail: string, prev_hash: string, hash: string, };

export type UnreadableReview = { path: string, code: string, message_zh: string, message_en: string, };

export type ReviewList = { reviews: Array<ReviewSummary>, unreadable: Array<UnreadableReview>, };

export type IpcError = { code: string, message_zh: string, message_en: string, };

export type AppInfo = { version: string, data_dir: string, };
