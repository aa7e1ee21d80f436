"""Pure builders of what pages draw: Plotly figures (`charts`, `compare_charts`) and formatted tables and KPIs
(`tables`). No Streamlit, no database.

May import `intel.analytics` result types and `intel.cache.provider.Served`.
"""
