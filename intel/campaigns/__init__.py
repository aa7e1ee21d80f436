"""Campaigns (brand deals): tracking rules (`rules`), attribution of posts as they arrive (`attribute`),
deliverables done / due / overdue (`deliverables`), and the campaign's figures against the talent's organic
baseline (`figures`). No Streamlit; the service layer checks access and calls these.

May import `intel.db`, `intel.analytics`, `intel.config` and `intel.errors`.
"""
