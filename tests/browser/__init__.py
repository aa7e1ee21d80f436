"""Real-browser tests: a real `streamlit run app.py` server driven by headless Chromium."""
