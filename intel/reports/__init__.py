"""Talent reports ("media kits") for brands: the report's request and content (`model`), the tables it shows
built from a `SocialIntelligence` with the talent page's formats (`sections`), one self-contained HTML file
from autoescaped Jinja2 templates (`html`; `templates/base.html.j2` is the layout every report shares), and the
PDF of that HTML with CSS paged media (`pdf`, WeasyPrint). The comparison report of several talents: its content
(`comparison`) and its bar charts (`bars`).
No database, no Streamlit: the caller passes the figures and the period text.

May import `intel.analytics`, `intel.views`, `intel.config` and `intel.errors`.
"""
