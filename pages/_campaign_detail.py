"""One campaign: KPIs with their samples, the deliverables checklist, attributed posts (include / exclude),
charts, and for those who may change it the rules, talents and fees, deliverables, dates and status."""

from __future__ import annotations

import streamlit as st

from intel.accounts.auth import Identity
from intel.campaigns.money import to_minor
from intel.db.base import utcnow
from intel.db.campaigns import CAMPAIGN_STATUSES, RULE_KINDS
from intel.db.models import MEDIA_TYPES, PLATFORMS
from intel.errors import IntelError
from intel.reports.model import file_name
from intel.service import campaign_edits as edits
from intel.service import campaign_report as report_service
from intel.service import campaigns as service
from intel.views import campaigns as views
from intel.views.charts import platform_label
from intel.views.text import plain
from pages._campaign_share import campaign_share_section
from pages._wiring import DEMO_BANNER, md_escape, shown_errors

RULE_LABELS = {"hashtag": "Hashtag", "mention": "@mention", "promo_code": "Promo code", "url": "Link (URL)",
               "post_id": "Post id"}


def campaign_page(identity: Identity, raw_id: str) -> None:
    """The campaign page for `?campaign=ID`."""
    if not raw_id.isdigit():
        raise IntelError("That campaign link is not valid.")
    detail = service.campaign_detail(identity, int(raw_id))
    row = detail.campaign
    if st.button("All campaigns", icon=":material/arrow_back:", key="campaigns_back"):
        del st.query_params["campaign"]
        st.rerun()
    title_col, report_col = st.columns([5, 1], vertical_alignment="center")
    title_col.header(md_escape(f"{row.brand} — {row.name}"), anchor=False)
    with report_col:
        _report(identity, detail)
    if row.is_demo:
        st.warning(DEMO_BANNER, icon="⚠️")
    st.caption(plain(f"{row.status.capitalize()} · {row.starts_on:%d %b %Y} to {row.ends_on:%d %b %Y} · "
                     f"talents: {', '.join(t.name for t in detail.talents) or 'none you may see'} · "
                     f"owner: {row.owner or 'nobody'}"))
    if detail.figures.sentiment.backlash:
        st.error("Comment backlash: the campaign's posts draw a far larger share of negative comments than the "
                 "talents' organic posts.", icon="🚨")
    _kpis(detail)
    st.subheader("Deliverables", anchor=False)
    if detail.figures.deliverables:
        st.dataframe(views.deliverables_frame(detail), hide_index=True, width="stretch", key="deliverables")
    else:
        st.caption("No deliverables recorded.")
    chart_left, chart_right = st.columns(2)
    chart_left.plotly_chart(views.cumulative_figure(detail), key="chart_cumulative")
    chart_right.plotly_chart(views.sentiment_figure(detail), key="chart_campaign_sentiment")
    st.plotly_chart(views.lift_figure(detail), key="chart_lift")
    if detail.figures.mentions.examples:
        st.subheader("Comments naming the brand", anchor=False)
        st.dataframe(views.mentions_frame(detail), hide_index=True, width="stretch", key="brand_mentions")
    _posts(identity, detail)
    campaign_share_section(identity, detail.campaign.id)
    if detail.can_edit:
        _edit(identity, detail)


def _report(identity: Identity, detail: service.CampaignDetail) -> None:
    """The campaign report for the brand: format and paper → build → download (only what this identity sees)."""
    with st.popover("Report", icon=":material/description:"):
        fmt = st.radio("Format", ["pdf", "html"], format_func={"pdf": "PDF", "html": "HTML (one file)"}.get,
                       horizontal=True, key="campaign_report_format")
        paper = st.radio("Paper", ["a4", "letter"], format_func={"a4": "A4", "letter": "US Letter"}.get,
                         horizontal=True, key="campaign_report_paper", disabled=fmt != "pdf")
        if st.button("Build report", key="campaign_report_build"):
            with st.spinner("Building the PDF…" if fmt == "pdf" else "Building the report…"), shown_errors():
                body = report_service.build_campaign_report(identity, detail.campaign.id, fmt=fmt, paper=paper)
            st.session_state["campaign_report"] = (detail.campaign.id, fmt, paper, body)
        built = st.session_state.get("campaign_report")
        if built and built[:3] == (detail.campaign.id, fmt, paper):
            name = file_name(f"{detail.campaign.brand} {detail.campaign.name}", "campaign", fmt, f"{utcnow():%Y-%m-%d}")
            st.download_button("Download", built[3], file_name=name, key="campaign_report_download",
                               mime="application/pdf" if fmt == "pdf" else "text/html")


def _kpis(detail: service.CampaignDetail) -> None:
    cards = views.campaign_kpis(detail)
    for start in range(0, len(cards), 4):
        for column, kpi in zip(st.columns(4), cards[start:start + 4], strict=False):
            column.metric(kpi.label, kpi.value, kpi.delta, help=kpi.help, delta_color="inverse")


def _posts(identity: Identity, detail: service.CampaignDetail) -> None:
    st.subheader("Attributed posts", anchor=False)
    frame = views.posts_frame(detail)
    if frame.empty:
        st.caption("No post is attributed yet: add a tracking rule, or include a post by hand.")
        if detail.can_edit:
            _include_by_id(identity, detail)
        return
    st.dataframe(frame.drop(columns=["post_id"]), hide_index=True, width="stretch", key="campaign_posts")
    if not detail.can_edit:
        return
    labels = {p.post_id: f"{p.posted_at:%d %b} · {platform_label(p.platform)} · {p.platform_post_id}"
              for p in detail.posts}
    pick_col, include_col, exclude_col, undo_col = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
    post_id = pick_col.selectbox("Post", list(labels), format_func=labels.get, key="decide_post")
    include = True if include_col.button("Include", key="decide_include") else None
    if exclude_col.button("Exclude", key="decide_exclude"):
        include = False
    if include is not None:
        with shown_errors():
            edits.decide_post(identity, detail.campaign.id, post_id, include=include)
        st.rerun()
    if undo_col.button("Back to the rules", key="decide_undo", help="Forget the manual decision"):
        with shown_errors():
            edits.undo_post_decision(identity, detail.campaign.id, post_id)
        st.rerun()
    _include_by_id(identity, detail)


def _include_by_id(identity: Identity, detail: service.CampaignDetail) -> None:
    with st.form("include_post"):
        raw = st.text_input("Include a post by its platform id", max_chars=100,
                            help="Any post of this campaign's talents, whatever its date; kept by hand.")
        if st.form_submit_button("Include post"):
            with shown_errors():
                edits.include_by_platform_id(identity, detail.campaign.id, raw)
            st.session_state["pending_toast"] = ("Post included", "✅")
            st.rerun()


def _edit(identity: Identity, detail: service.CampaignDetail) -> None:
    campaign_id = detail.campaign.id
    with st.expander("Tracking rules"):
        for rule_id, kind, value in detail.rules:
            text_col, remove_col = st.columns([5, 1])
            text_col.text(f"{RULE_LABELS[kind]}: {value}")
            if remove_col.button("Remove", key=f"rule_remove_{rule_id}"):
                with shown_errors():
                    edits.remove_rule(identity, campaign_id, rule_id)
                st.rerun()
        with st.form("add_rule"):
            kind = st.selectbox("Kind", RULE_KINDS, format_func=RULE_LABELS.get)
            value = st.text_input("Value", max_chars=300, placeholder="#BrandSummer, @brand, SOFIA20, brand.com/offer")
            if st.form_submit_button("Add rule"):
                with shown_errors():
                    edits.add_rule(identity, campaign_id, kind, value)
                st.rerun()
    with st.expander("Deliverables and fees"):
        _deliverable_form(identity, detail)
        _fee_form(identity, detail)
    with st.expander("Campaign details"):
        _details_form(identity, detail)


def _details_form(identity: Identity, detail: service.CampaignDetail) -> None:
    row = detail.campaign
    with st.form("campaign_details"):
        brand_col, name_col = st.columns(2)
        brand = brand_col.text_input("Brand", row.brand, max_chars=200)
        name = name_col.text_input("Campaign name", row.name, max_chars=200)
        start_col, end_col, status_col, currency_col = st.columns(4)
        starts = start_col.date_input("Starts", row.starts_on)
        ends = end_col.date_input("Ends", row.ends_on)
        status = status_col.selectbox("Status", CAMPAIGN_STATUSES, index=CAMPAIGN_STATUSES.index(row.status),
                                      format_func=str.capitalize)
        currency = currency_col.text_input("Currency", detail.currency, max_chars=3)
        notes = st.text_area("Notes", detail.notes, max_chars=edits.MAX_NOTES)
        if st.form_submit_button("Save details"):
            with shown_errors():
                edits.update_campaign(identity, row.id, edits.CampaignInput(brand, name, starts, ends, status,
                                                                            currency, notes))
            st.session_state["pending_toast"] = ("Campaign saved", "✅")
            st.rerun()


def _deliverable_form(identity: Identity, detail: service.CampaignDetail) -> None:
    names = {t.talent_id: t.name for t in detail.talents}
    with st.form("add_deliverable"):
        talent_col, platform_col, format_col, count_col, due_col = st.columns(5)
        talent = talent_col.selectbox("Talent", list(names), format_func=names.get)
        platform = platform_col.selectbox("Platform", PLATFORMS, format_func=platform_label)
        media_type = format_col.selectbox("Format", MEDIA_TYPES)
        count = count_col.number_input("Posts", 1, edits.MAX_DELIVERABLE_COUNT, 1)
        due = due_col.date_input("Due", detail.campaign.ends_on)
        if st.form_submit_button("Add deliverable"):
            with shown_errors():
                edits.add_deliverable(identity, detail.campaign.id, talent, platform=platform, media_type=media_type,
                                      count=int(count), due_on=due)
            st.rerun()


def _fee_form(identity: Identity, detail: service.CampaignDetail) -> None:
    names = {t.talent_id: t.name for t in detail.talents}
    with st.form("set_fee"):
        talent_col, fee_col = st.columns(2)
        talent = talent_col.selectbox("Talent", list(names), format_func=names.get, key="fee_talent")
        fee = fee_col.number_input(md_escape(f"Fee ({detail.currency})"), min_value=0.0, step=100.0, value=None)
        if st.form_submit_button("Save fee"):
            with shown_errors():
                edits.set_talent(identity, detail.campaign.id, talent, fee_minor=to_minor(fee, detail.currency))
            st.rerun()
