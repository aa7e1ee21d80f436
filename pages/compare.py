"""Compare: 2–6 talents side by side, with roster percentiles and a CSV download."""

import streamlit as st

from intel.analytics.compare import MAX_TALENTS
from intel.service import talents as service
from intel.views import compare_charts as charts
from intel.views import tables as views
from pages._report import comparison_panel
from pages._wiring import DEMO_BANNER, md_escape, page_start, shown_errors

identity = page_start("compare")
st.title("Compare talents", anchor=False)
with shown_errors():
    choices = dict(service.talent_choices(identity))
picked = st.multiselect("Talents", list(choices), format_func=lambda i: choices[i], max_selections=MAX_TALENTS,
                        key="compare_talents", placeholder="Choose 2 to 6 talents")
if len(picked) < 2:
    st.info("Choose at least two talents to compare.")
    st.stop()

with shown_errors():
    table, intels = service.compare_talents(identity, picked)
if any(i.is_demo for i in intels):
    st.warning(f"{DEMO_BANNER}: at least one talent here shows generated data.", icon="⚠️")
empty = [i.talent_name for i in intels if not i.has_data]
if empty:
    st.info(f"{views.NO_DATA_TITLE}: {md_escape(', '.join(empty))}. They have no figures and no percentiles, "
            "and are left out of the roster population the percentiles rank against.")

st.dataframe(table, hide_index=True, width="stretch", key="compare_table", column_config=views.compare_columns(table),
             placeholder=views.PLACEHOLDER)
csv, report = st.columns([3, 1], vertical_alignment="center")
csv.download_button("Download comparison (CSV)", views.safe_csv(table), file_name="talent-comparison.csv",
                    mime="text/csv", key="compare_csv", on_click="ignore")
with report:
    comparison_panel(identity, picked)
growth, sentiment = st.columns(2)
growth.plotly_chart(charts.growth_indexed_figure(intels), key="chart_compare_growth")
sentiment.plotly_chart(charts.sentiment_compare_figure(intels), key="chart_compare_sentiment")
st.plotly_chart(charts.engagement_compare_figure(intels), key="chart_compare_engagement")
