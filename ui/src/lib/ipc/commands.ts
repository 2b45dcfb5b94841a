// TEMPORARY hand copy so the UI compiles before the generated bindings land.
// Replaced by the file generated from src-tauri/src/ipc.rs; delete this copy then.
// Rejections carry an IpcError.

import { invoke } from "@tauri-apps/api/core";
import type * as T from "./types";

export function appInfo(): Promise<T.AppInfo> {
  return invoke<T.AppInfo>("app_info", {  });
}

export function listActivities(): Promise<Array<T.ActivityInfo>> {
  return invoke<Array<T.ActivityInfo>>("list_activities", {  });
}

export function listReviews(): Promise<T.ReviewList> {
  return invoke<T.ReviewList>("list_reviews", {  });
}

export function openReview(reviewId: string): Promise<T.Review> {
  return invoke<T.Review>("open_review", { reviewId });
}

export function createReview(activity: T.Activity, year: number): Promise<T.ReviewSummary> {
  return invoke<T.ReviewSummary>("create_review", { activity, year });
}

export function createDemoReview(): Promise<T.ReviewSummary> {
  return invoke<T.ReviewSummary>("create_demo_review", {  });
}

export function backupReview(reviewId: string, destination: string): Promise<null> {
  return invoke<null>("backup_review", { reviewId, destination });
}
