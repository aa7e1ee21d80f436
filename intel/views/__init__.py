"""Pure builders of what pages draw: Plotly figures (`charts`, `compare_charts`), formatted tables and KPIs
(`tables`), the audience-quality card and tables (`audience`), the comment-language chart and table with the
language names (`languages`), the figures kept per computed value (`memo`), and `text.plain`, the one escape
that makes user text show literally in Markdown-rendering elements. No Streamlit, no database.

May import `intel.analytics` result types and `intel.cache.provider.Served`.
"""
