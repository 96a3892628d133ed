//! `[share]` as the operator sees it: the mirror's state, a Lease lost (this
//! cockpit stops writing at once), the followed writer's Lease lapsing or
//! coming back, and the takeover it offers: confirmed (default cancel),
//! refused `--read-only`, done by the runtime, which journals
//! `writer_took_over` before anything else.

use crate::app::dialogs::confirm::{Action, Confirm};
use crate::app::effect::Effect;
use crate::app::model::{Model, Overlay, RemoteWriter};
use crate::domain::share::LeaseNews;

/// What sharing the release came to.
pub fn on_news(model: &mut Model, news: LeaseNews) -> Vec<Effect> {
    model.mark_changed();
    let (by, why) = match news {
        LeaseNews::Mirror(state) if state.fenced => (
            None,
            state
                .problem
                .clone()
                .unwrap_or_else(|| "another cockpit wrote the mirror".to_owned()),
        ),
        LeaseNews::Mirror(state) => {
            model.mirror = Some(state);
            return Vec::new();
        }
        LeaseNews::Lapsed { previous } => {
            lapsed(model, previous);
            return Vec::new();
        }
        LeaseNews::Live { holder } => {
            live(model, holder);
            return Vec::new();
        }
        LeaseNews::TookOver { release, previous } => {
            let from = previous.map_or_else(String::new, |p| format!(" from {p}"));
            model.operator.remote_writer = None;
            model.mirror = Some(Default::default());
            model.warn(format!(
                "took {release} over{from}: this cockpit writes it now (journaled)"
            ));
            return Vec::new();
        }
        // Said once already (the keeper and a fenced pump both may).
        LeaseNews::Lost { .. } if model.operator.following.is_some() => return Vec::new(),
        LeaseNews::Lost { by, why } => (by, why),
    };
    let id = model.release_id().unwrap_or_default().to_owned();
    // Whoever holds it now (unknown while the cluster is away) writes from
    // another machine: its lapse is watched, and a takeover offered.
    model.operator.remote_writer = Some(RemoteWriter {
        holder: by
            .clone()
            .unwrap_or_else(|| "the Lease's holder (unknown while the cluster is away)".to_owned()),
        contact: None,
        lapsed: false,
    });
    model.operator.following =
        Some(by.unwrap_or_else(|| "another cockpit (this one's Lease lapsed)".to_owned()));
    model.countdown = None;
    model.fail(format!("stopped writing {id}: {why}"));
    vec![Effect::StopWriting]
}

/// The followed writer went quiet for a whole Lease: the takeover is
/// offered (a dialog, unless another is open).
fn lapsed(model: &mut Model, previous: Option<String>) {
    let id = model.release_id().unwrap_or_default().to_owned();
    let who = previous.unwrap_or_else(|| "its writer".to_owned());
    if let Some(writer) = model.operator.remote_writer.as_mut() {
        writer.lapsed = true;
    }
    if model.operator.read_only {
        model.warn(format!(
            "{who} stopped renewing its Lease on {id}: start without --read-only to take it over"
        ));
        return;
    }
    model.warn(format!(
        "{who} stopped renewing its Lease on {id}: `:take-over` makes this cockpit the writer"
    ));
    if model.overlay.is_none() {
        offer(model);
    }
}

/// The writer renews again: nothing to take over.
fn live(model: &mut Model, holder: String) {
    let Some(writer) = model.operator.remote_writer.as_mut() else {
        return;
    };
    writer.lapsed = false;
    writer.holder = holder.clone();
    if matches!(
        &model.overlay,
        Some(Overlay::Confirm(c)) if matches!(c.action, Action::TakeOver { .. })
    ) {
        model.overlay = None;
    }
    model.notice = Some(format!(
        "{holder} renews its Lease again: it writes the release"
    ));
}

/// Opens the takeover's confirmation, if there is a lapsed writer to take
/// the release from.
fn offer(model: &mut Model) -> bool {
    let (Some(writer), Some(release)) = (
        model.operator.remote_writer.as_ref().filter(|w| w.lapsed),
        model.release_id(),
    ) else {
        return false;
    };
    model.overlay = Some(Overlay::Confirm(Confirm::new(Action::TakeOver {
        release: release.to_owned(),
        previous: writer.holder.clone(),
    })));
    true
}

/// `:take-over`: the confirmation, or why there is nothing to take over.
pub fn ask(model: &mut Model) -> Vec<Effect> {
    if model.operator.read_only {
        model.warn("read-only (--read-only): a takeover is refused".to_owned());
        return Vec::new();
    }
    let Some(writer) = model.operator.remote_writer.clone() else {
        model.notice = Some(if model.operator.following.is_some() {
            "nothing to take over through the cluster: this release's writer is on this machine (it is taken over when it exits)".to_owned()
        } else {
            "nothing to take over: this cockpit writes the release, or follows none".to_owned()
        });
        return Vec::new();
    };
    if !offer(model) {
        model.warn(format!(
            "{} holds the release's Lease and renews it: reach them {} (a takeover is offered once it lapses)",
            writer.holder,
            writer.reach()
        ));
    }
    Vec::new()
}

/// A write refused in a follower (`what`: `deploys`, `` `smoke` ``): the
/// writer named, and the takeover offered once their Lease lapsed.
pub fn refused(model: &mut Model, what: &str) {
    model.warn(model.operator.refusal(what));
    if !model.operator.read_only && model.overlay.is_none() {
        offer(model);
    }
}

/// `y`: the runtime claims the Lease, catches up with the mirror, and
/// journals the takeover before anything else; if the writer came back
/// meanwhile, it says so and this cockpit goes on following.
pub fn confirmed(model: &mut Model, release: String) -> Vec<Effect> {
    if model.operator.read_only {
        model.warn("read-only (--read-only): a takeover is refused".to_owned());
        return Vec::new();
    }
    if model.release_id() != Some(release.as_str()) {
        model.notice = Some(format!("{release} is not the release open now"));
        return Vec::new();
    }
    if !model
        .operator
        .remote_writer
        .as_ref()
        .is_some_and(|w| w.lapsed)
    {
        model.notice = Some(format!(
            "{release}'s writer renews its Lease again: nothing to take over"
        ));
        return Vec::new();
    }
    model.notice = Some(format!("taking {release} over: claiming its Lease..."));
    vec![Effect::ShareTakeOver { release }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixture::sample_model_with_release;
    use crate::app::{Msg, update};

    fn following_alice() -> Model {
        let mut model = sample_model_with_release();
        model.operator.following = Some("alice@laptop/42 (another machine, since 10:02)".into());
        model.operator.remote_writer = Some(RemoteWriter {
            holder: "alice@laptop/42".into(),
            contact: Some("@alice in #releases".into()),
            lapsed: false,
        });
        model
    }

    fn press(model: &mut Model, key: &str) -> Vec<Effect> {
        update(model, Msg::Key(key.parse().unwrap()))
    }

    #[test]
    fn a_follower_is_told_who_writes_and_where_to_reach_them() {
        let mut model = following_alice();
        press(&mut model, "3");
        press(&mut model, "d");
        let notice = model.notice.clone().unwrap_or_default();
        assert!(
            notice.contains("alice@laptop/42 writes it from another machine")
                && notice.contains("reach them @alice in #releases"),
            "{notice}"
        );
        assert!(
            model.overlay.is_none(),
            "no takeover while the Lease is live"
        );
        model.operator.remote_writer.as_mut().unwrap().contact = None;
        press(&mut model, "d");
        assert!(
            model
                .notice
                .as_deref()
                .is_some_and(|n| n.contains("reach them at their machine, laptop")),
            "{:?}",
            model.notice
        );
    }

    #[test]
    fn a_lapsed_lease_offers_the_takeover_which_cancels_by_default() {
        let mut model = following_alice();
        let id = model.release_id().unwrap().to_owned();
        update(
            &mut model,
            Msg::Share(LeaseNews::Lapsed {
                previous: Some("alice@laptop/42".into()),
            }),
        );
        assert!(matches!(
            &model.overlay,
            Some(Overlay::Confirm(c)) if c.action == Action::TakeOver { release: id.clone(), previous: "alice@laptop/42".into() }
        ));
        assert!(press(&mut model, "enter").is_empty(), "Enter cancels");
        assert!(model.overlay.is_none());
        // Refused again, the takeover is offered again; y takes it.
        press(&mut model, "3");
        press(&mut model, "d");
        assert!(matches!(&model.overlay, Some(Overlay::Confirm(_))));
        assert_eq!(
            press(&mut model, "y"),
            vec![Effect::ShareTakeOver { release: id }]
        );
    }

    #[test]
    fn a_writer_that_renews_again_takes_the_offer_back() {
        let mut model = following_alice();
        update(&mut model, Msg::Share(LeaseNews::Lapsed { previous: None }));
        assert!(model.overlay.is_some());
        update(
            &mut model,
            Msg::Share(LeaseNews::Live {
                holder: "alice@laptop/42".into(),
            }),
        );
        assert!(model.overlay.is_none(), "the dialog is closed");
        assert!(ask(&mut model).is_empty());
        assert!(model.overlay.is_none(), "nothing to take over");
        let release = model.release_id().unwrap().to_owned();
        assert!(confirmed(&mut model, release).is_empty());
    }

    #[test]
    fn read_only_never_takes_over() {
        let mut model = following_alice();
        model.operator.read_only = true;
        update(&mut model, Msg::Share(LeaseNews::Lapsed { previous: None }));
        assert!(model.overlay.is_none());
        assert!(ask(&mut model).is_empty());
        let release = model.release_id().unwrap().to_owned();
        assert!(confirmed(&mut model, release).is_empty());
    }

    #[test]
    fn taken_over_the_cockpit_writes() {
        let mut model = following_alice();
        model.operator.following = None;
        update(
            &mut model,
            Msg::Share(LeaseNews::TookOver {
                release: "r".into(),
                previous: Some("alice@laptop/42".into()),
            }),
        );
        assert!(model.operator.remote_writer.is_none());
        assert!(!model.operator.is_read_only());
    }
}
