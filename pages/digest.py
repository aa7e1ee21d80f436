"""Weekly digest: this week's change in followers, engagement, sentiment and health for each of your talents,
the best post of the week and the open alerts — the Monday email, as a page."""

import streamlit as st

from intel.service import digest as service
from intel.views.text import plain
from pages._wiring import TALENT_PAGE, page_start, shown_errors

identity = page_start()
st.title("Weekly digest", anchor=False)
fresh = st.button("Rebuild now", key="digest_rebuild", help="Build the digest again from the latest data.")
with shown_errors(), st.spinner("Building this week's digest…"):
    built = service.weekly_digest(identity, fresh=fresh)
digest = built.digest
if digest is None:
    st.info("No talents to report on yet: the digest covers your talents (managers: the talents you follow, or "
            "the whole roster when you follow none).")
    st.stop()
if digest.is_demo:
    st.warning("Demo data: this digest is generated for a walkthrough, not real analytics.", icon="🎭")
st.caption(plain(f"Week {digest.week}, built {built.built_at:%a %d %b %H:%M} UTC. Each change compares the "
                 "figure now with the same figure a week ago; "
                 "“unavailable” means there is no data for it."))
for talent in digest.talents:
    st.subheader(plain(talent.name), anchor=False)
    if not talent.has_data:
        st.caption("No data yet (no connected accounts or imports).")
    rows = [{"Figure": c.label, "Now": c.now + (" (estimate)" if c.estimated else ""),
             "Change over the week": c.change} for c in talent.changes]
    st.dataframe(rows, hide_index=True, width="stretch", key=f"digest_{talent.talent_id}")
    st.text(f"Best post of the week: {talent.best_post or 'no post this week'}")
    st.text("Open alerts: " + ("; ".join(talent.open_alerts) if talent.open_alerts else "none"))
    st.page_link(TALENT_PAGE, label="Open talent", icon="🎯", query_params={"talent": str(talent.talent_id)})
