//! The 计票单 of a 会评 ballot: what the panel was asked, who was present, each count,
//! what it decided, how the count was confirmed — by the chair's signature (who, which
//! key, when, which tally), by the experts' signed votes (who returned one, with which
//! key; never how anyone voted) or not at all — and lines for the counter, the witness
//! and the panel's chair to sign. A ballot not yet counted prints as a blank form to fill in the
//! room.

use super::font::Style;
use super::pdf::{self, Align, Document, Meta, MM};
use super::table::{Column, Flow};
use crate::error::Result;
use crate::merge::aggregate::VoteThreshold;
use crate::merge::decisions::Outcome;
use crate::merge::meeting::{BallotEntry, BallotKind, BallotView, LaptopVoting, MeetingBallot};
use crate::merge::rederive::ChairProof;

/// The sheet of `view`; `signed` is what the chair's kept signed tally proves, for a
/// ballot counted from one (`for_ballot` checks it again before printing).
pub fn render(view: &BallotView, signed: Option<&ChairProof>, meta: &Meta) -> Result<Vec<u8>> {
    let b = &view.ballot;
    let mut doc = Document::new(meta);
    let font = doc.font(Style::Sans)?;
    let bold = doc.font(Style::SansBold)?;
    let mut f = Flow::new(
        pdf::a4(false),
        18.0 * MM,
        font,
        bold,
        format!("会评计票单 第 {} 号", b.id),
    );
    f.paragraph("会评计票单", 18.0, true, Align::Center);
    f.paragraph(&view.review_title, 11.0, false, Align::Center);
    f.gap(8.0);
    let (how, choose) = how_the_ballot_decides(b);
    draw_ballot_terms(&mut f, b, &how);
    f.gap(6.0);
    let rows: Vec<Vec<String>> = b
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| count_row(b, choose, i, e))
        .collect();
    f.table(&count_columns(choose), &rows, 10.0);
    f.gap(6.0);
    draw_when_counted(&mut f, b);
    draw_confirmation(&mut f, b, signed);
    draw_signature_lines(&mut f, b);
    f.finish(&mut doc);
    Ok(doc.finish())
}

/// The rule the panel voted under, in words, and whether each expert chose among the
/// candidates (one count each) rather than voting on each (three counts each).
fn how_the_ballot_decides(b: &MeetingBallot) -> (String, bool) {
    let threshold = match b.threshold {
        VoteThreshold::MoreThanHalf => "超过到会专家半数",
        VoteThreshold::TwoThirds => "达到到会专家三分之二以上",
    };
    match b.kind {
        BallotKind::Choose { at_most } => (
            format!(
                "差额表决：候选 {} 人，应选 {} 人，每位专家最多选 {} 人；得票{threshold}且位次在应选人数之内者入选",
                b.entries.len(),
                at_most.unwrap_or(b.places),
                at_most.unwrap_or(b.places)
            ),
            true,
        ),
        BallotKind::Vote => (
            format!(
                "逐一表决（同意、不同意、弃权）：剩余名额 {} 个，同意票{threshold}者按同意票多少依次入选",
                b.places
            ),
            false,
        ),
    }
}

/// What the panel was asked and by which rule, and how many were present: a blank form
/// leaves the number to be written in.
fn draw_ballot_terms(f: &mut Flow, b: &MeetingBallot, how: &str) {
    let present = b
        .counted
        .as_ref()
        .map_or("　　".to_string(), |c| c.tally.present.to_string());
    for line in [
        format!("类别：{}　　表决编号：{}", b.category_zh, b.id),
        format!("表决方式：{how}"),
        format!("到会专家：{present} 人（回避的专家不在场，不计入到会人数）"),
        "两阶段结果的合并：会评名单上的推荐对象以本次表决结果为准，其余推荐对象保持评分阶段的结果；得票相同、同列最后一个名额者须再次表决。".to_string(),
    ] {
        f.paragraph(&line, 10.5, false, Align::Left);
    }
}

fn count_columns(choose: bool) -> Vec<Column> {
    let mut columns = vec![
        Column::new("序号", 3.0, Align::Center),
        Column::new("推荐对象", 10.0, Align::Left),
        Column::new("推荐高校", 10.0, Align::Left),
        Column::new("评分阶段", 5.0, Align::Center),
    ];
    if choose {
        columns.push(Column::new("得票", 4.0, Align::Center));
    } else {
        columns.push(Column::new("同意", 4.0, Align::Center));
        columns.push(Column::new("不同意", 4.0, Align::Center));
        columns.push(Column::new("弃权", 4.0, Align::Center));
    }
    columns.push(Column::new("结果", 8.0, Align::Center));
    columns
}

/// One candidate's counts and result; left blank, for the pen, until the ballot is
/// counted.
fn count_row(b: &MeetingBallot, choose: bool, i: usize, e: &BallotEntry) -> Vec<String> {
    let count = b.counted.as_ref().and_then(|c| {
        c.tally
            .counts
            .iter()
            .find(|x| x.nomination_id == e.nomination_id)
    });
    let result = b.counted.as_ref().and_then(|c| {
        c.outcome
            .entries
            .iter()
            .find(|x| x.nomination_id == e.nomination_id)
    });
    let mut row = vec![
        (i + 1).to_string(),
        e.display_name.clone(),
        e.university.clone(),
        e.score.map_or("—".into(), |s| format!("{s}")),
    ];
    let n = |v: Option<u32>| v.map_or(String::new(), |v| v.to_string());
    row.push(n(count.map(|c| c.agree)));
    if !choose {
        row.push(n(count.map(|c| c.disagree)));
        row.push(n(count.map(|c| c.abstain)));
    }
    row.push(match result {
        None => String::new(),
        Some(r) => match r.result {
            Some(Outcome::In) => "入选".into(),
            Some(Outcome::Out) if !r.passed => "未入选（未过票数）".into(),
            Some(Outcome::Out) => "未入选".into(),
            None => "并列，须再次表决".into(),
        },
    });
    row
}

fn draw_when_counted(f: &mut Flow, b: &MeetingBallot) {
    if let Some(c) = &b.counted {
        f.paragraph(
            &format!(
                "计票时间：{}　　录入：{}",
                c.counted_at.get(..10).unwrap_or(&c.counted_at),
                c.recorded_by
            ),
            9.5,
            false,
            Align::Left,
        );
    }
}

/// How the count was confirmed, Chinese first: by the chair's signature, naming the chair,
/// the key, when it signed and the tally it signed; or, for a ballot without a chair, not
/// at all. A blank form of a chaired ballot says whose signature the count will need.
fn draw_confirmation(f: &mut Flow, b: &MeetingBallot, signed: Option<&ChairProof>) {
    let lines = match &b.laptops {
        Some(laptops) => votes_lines(b, laptops),
        None => chair_lines(b, signed),
    };
    if lines.is_empty() {
        return;
    }
    f.gap(4.0);
    for line in lines {
        f.paragraph(&line, 9.5, false, Align::Left);
    }
}

/// How a ballot voted in the room was confirmed: by the chair's signature, or not.
fn chair_lines(b: &MeetingBallot, signed: Option<&ChairProof>) -> Vec<String> {
    let mut lines = Vec::new();
    match (&b.counted, signed, &b.chair) {
        (Some(_), Some(p), _) => {
            let when = p.signed_at.as_deref().map_or_else(
                || ("未记录".to_string(), "not recorded".to_string()),
                |t| {
                    let t = readable(t);
                    (
                        format!("{t}（组长电脑时钟）"),
                        format!("{t} (the chair's laptop clock)"),
                    )
                },
            );
            lines.push(format!(
                "组长电子签名确认：本计票结果经评审组组长 {} 在本人电脑上用其登记密钥电子签名确认。",
                p.chair_name
            ));
            lines.push(format!(
                "密钥指纹：{}　　签名时间：{}",
                p.fingerprint, when.0
            ));
            lines.push(format!("计票文件（tally.json）SHA-256：{}", p.tally_sha256));
            lines.push(format!(
                "Confirmed by the chair's signature: the panel chair, {}, signed this tally with their registered key on their own laptop. Key fingerprint {}; signed {}; tally file (tally.json) SHA-256 {}.",
                p.chair_name, p.fingerprint, when.1, p.tally_sha256
            ));
        }
        (Some(c), None, _) if c.confirmed.is_some() => {
            // Only a caller that skipped the check gets here: say what the count claims,
            // and that it was not checked.
            let claimed = c.confirmed.as_ref().map_or("", |c| c.chair_name.as_str());
            lines.push(format!(
                "记录为组长“{claimed}”签名确认，但本计票单未核验所保存的签名计票文件。"
            ));
            lines.push(format!(
                "Recorded as confirmed by the chair, {claimed}; the kept signed tally was not checked for this sheet."
            ));
        }
        (Some(_), None, _) => {
            lines.push("本计票结果按录入计票，未经组长电子签名确认。".to_string());
            lines.push("Counted as typed: not confirmed by the chair's signature.".to_string());
        }
        (None, _, Some(chair)) => {
            lines.push(format!(
                "计票结果须经评审组组长 {} 用其登记密钥电子签名确认后方计入。",
                chair.name
            ));
            lines.push(format!(
                "The count takes effect only once the panel chair, {}, confirms it with their registered key.",
                chair.name
            ));
        }
        (None, _, None) => {}
    }
    lines
}

/// How a ballot voted on the experts' laptops was counted: how many signed votes came
/// back of how many voters, and who returned one with their key's fingerprint; before
/// the count, that it will be counted only from such votes.
fn votes_lines(b: &MeetingBallot, laptops: &LaptopVoting) -> Vec<String> {
    let m = laptops.voters.len();
    let Some(votes) = b.counted.as_ref().and_then(|c| c.votes.as_ref()) else {
        return vec![
            format!("电子投票：本表决由 {m} 位投票人在本人电脑上投票，只依据其用登记密钥签名的选票计票。"),
            format!("Voted on the experts' own laptops: counted only from the votes the {m} voters sign with their registered keys."),
        ];
    };
    let n = votes.len();
    let mut lines = vec![
        format!("电子投票：收到 {n} 份经专家登记密钥签名的选票（共 {m} 位投票人）。交回选票的专家及其密钥指纹："),
    ];
    lines.extend(
        votes
            .iter()
            .map(|v| format!("{}　　密钥指纹：{}", v.name, v.fingerprint)),
    );
    lines.push(format!(
        "Voted on the experts' laptops: {n} votes signed with the experts' registered keys received ({m} voters); each voter's marks stay in the review file and are not printed."
    ));
    lines
}

/// `2026-12-02T15:20:00Z` as `2026-12-02 15:20:00 UTC`; anything else as it was signed.
fn readable(rfc3339: &str) -> String {
    match rfc3339.strip_suffix('Z').and_then(|t| t.split_once('T')) {
        Some((day, time)) if day.len() == 10 && time.len() == 8 => format!("{day} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

/// Counter, witness and chair sign in ink: the paper is what the panel answers for.
fn draw_signature_lines(f: &mut Flow, b: &MeetingBallot) {
    f.gap(24.0);
    let (counter, witness) = b.counted.as_ref().map_or(("", ""), |c| {
        (c.tally.counted_by.as_str(), c.tally.witnessed_by.as_str())
    });
    f.paragraph(
        &format!("计票人：{counter}　　　　签字：＿＿＿＿＿＿　　　　监票人：{witness}　　　　签字：＿＿＿＿＿＿"),
        10.5,
        false,
        Align::Left,
    );
    f.gap(14.0);
    f.paragraph(
        "评审组组长（签字）：＿＿＿＿＿＿＿＿　　　　日期：　　　　年　　月　　日",
        10.5,
        false,
        Align::Left,
    );
}

/// The 计票单 of one ballot of the review at `review_path`, dated by its count (or its
/// opening, for a blank form) so printing it twice gives the same bytes. A counted ballot
/// is checked again first (`merge::rederive::ballot`): a sheet never states a count or a
/// chair's confirmation the evidence kept in the review does not prove.
pub fn for_ballot(review_path: &std::path::Path, ballot_id: i64) -> Result<Vec<u8>> {
    let view = crate::merge::meeting::view(review_path, ballot_id)?;
    let checked = match view.ballot.counted {
        Some(_) => crate::merge::rederive::ballot(&crate::store::open(review_path)?, ballot_id)?,
        None => Default::default(),
    };
    if let Some(d) = checked.differences.first() {
        return Err(crate::error::Error::Corrupt(format!(
            "会评表决 {ballot_id} 的计票结果无法由评审文件中保存的凭证核实（{}：{}），不能打印计票单 / meeting ballot {ballot_id}'s count is not proved by the evidence the review keeps ({}: {}): no tally sheet is printed",
            d.kind, d.detail_zh, d.kind, d.detail_en
        )));
    }
    let signed = checked.ballots.first().and_then(|c| c.proved.as_ref());
    let when = view
        .ballot
        .counted
        .as_ref()
        .map_or(&view.ballot.opened_at, |c| &c.counted_at);
    let at = time::OffsetDateTime::parse(when, &time::format_description::well_known::Rfc3339)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    render(
        &view,
        signed,
        &Meta {
            title: "会评计票单",
            subject: "PanelDesk",
            at,
        },
    )
}
