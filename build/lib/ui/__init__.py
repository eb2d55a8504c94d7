"""Streamlit pages: thin views over the assessor package."""
