"""The smallest Streamlit page with one Plotly chart: the baseline for the first-chart timing.

Served by bench/hello_server.py (the same static serving as server.py); no database, no cache.
"""

import plotly.graph_objects as go
import streamlit as st

st.title("Hello", anchor=False)
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[1, 3, 2, 4], mode="lines+markers")), key="hello_chart")
